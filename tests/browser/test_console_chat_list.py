"""The console's chat list: four sections, live last messages, unread news, drafts per chat."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Pages, screenshot_path
from tests.browser.test_console import bubble, chat_item, log_in_as
from tests.conftest import InChat, Person, call
from tests.stack import Stack

pytestmark = pytest.mark.browser

StartChat = Callable[..., Awaitable[InChat]]
TITLE = "Support console · customer-chat"


async def take_in_console(page: Page, customer: InChat) -> None:
    """Take the customer's waiting chat from the list; wait until its room shows the take."""
    await chat_item(page, customer.chat["id"]).locator("[data-action=take]").click()
    await expect(page.locator("#chat-title")).to_have_text(customer.name)
    # The status line comes from the room itself: the console is in it and hears it live.
    await expect(page.locator("#messages .status-line[data-status=active]")).to_have_count(1)


async def test_a_message_in_a_background_chat_is_announced_and_drafts_survive_switching(
    stack: Stack, pages: Pages, customer_in_chat: StartChat, make_supporter: Callable[..., Person]
) -> None:
    page = await pages.open("/console")
    await log_in_as(page, make_supporter("Sam"))
    anna = await customer_in_chat("Anna", "Invoice")
    ben = await customer_in_chat("Ben", "Brakes")
    await take_in_console(page, anna)
    await take_in_console(page, ben)
    mine = page.locator("#mine-list [data-chat-id]")
    await expect(mine).to_have_count(2)
    annas, bens = chat_item(page, anna.chat["id"]), chat_item(page, ben.chat["id"])

    # Ben's chat is open; Anna writes in hers.
    anna.client.say(anna.room, "Where is my <b>invoice</b>?")
    await expect(annas.locator(".badge")).to_have_text("1")
    await expect(annas).to_have_class(re.compile(r"\bhas-unread\b"))
    await expect(annas.locator(".chat-item-last")).to_have_text(
        f"{anna.name}: Where is my <b>invoice</b>?"
    )
    await expect(annas.locator(".chat-item-time")).to_have_text("just now")
    await expect(
        page.locator("#toasts .toast", has_text=f"New message from {anna.name}")
    ).to_be_visible()
    await expect(page.locator("#announcer")).to_have_text(
        f"New message from {anna.name}, 1 unread."
    )
    await expect(page).to_have_title(f"(1) {TITLE}")
    await page.screenshot(path=screenshot_path("console-unread"), full_page=True)
    anna.client.say(anna.room, "It is the one for March")
    await expect(annas.locator(".badge")).to_have_text("2")
    await expect(page).to_have_title(f"(2) {TITLE}")
    await expect(annas.locator(".chat-item-last")).to_have_text(
        f"{anna.name}: It is the one for March"
    )
    assert await page.locator("#chat-list b").count() == 0

    # A reload keeps the counts.
    await page.reload()
    await expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    await expect(annas.locator(".badge")).to_have_text("2")
    await expect(page).to_have_title(f"(2) {TITLE}")
    await bens.locator("[data-action=open]").click()
    await expect(page.locator("#chat-title")).to_have_text(ben.name)

    # What Ben writes in the open chat is read already: his last message, no badge.
    ben.client.say(ben.room, "The front brake")
    await expect(bubble(page, "The front brake")).to_have_count(1)
    await expect(bens.locator(".chat-item-last")).to_have_text(f"{ben.name}: The front brake")
    await expect(bens.locator(".badge")).to_have_count(0)
    await expect(page).to_have_title(f"(2) {TITLE}")

    # Drafts stay with their chats while switching; opening Anna's chat reads it.
    box = page.get_by_label("Reply to the customer")
    await box.fill("Ben, the pads are")
    await annas.locator("[data-action=open]").click()
    await expect(page.locator("#chat-title")).to_have_text(anna.name)
    await expect(box).to_have_value("")
    await expect(annas.locator(".badge")).to_have_count(0)
    await expect(annas).not_to_have_class(re.compile(r"\bhas-unread\b"))
    await expect(page).to_have_title(TITLE)
    await box.fill("Anna, your invoice")
    await bens.locator("[data-action=open]").click()
    await expect(box).to_have_value("Ben, the pads are")
    await annas.locator("[data-action=open]").click()
    await expect(box).to_have_value("Anna, your invoice")

    # Ending Anna's chat moves it from Mine to Ended.
    await page.locator("#end-chat").click()
    ended = page.locator(f"#ended-list [data-chat-id='{anna.chat['id']}']")
    await expect(ended).to_have_attribute("data-status", "ended")
    await expect(ended.locator(".chat-item-meta")).to_have_text(re.compile(r"^Ended \d\d:\d\d$"))
    await expect(mine).to_have_count(1)
    await expect(page.locator("#mine-count")).to_have_text("1")


async def test_waiting_time_ticks_and_colleagues_changes_move_chats_live(
    stack: Stack, pages: Pages, customer_in_chat: StartChat, make_supporter: Callable[..., Person]
) -> None:
    page = await pages.open(None)
    await page.clock.install()  # time runs as usual until the test moves it on
    await page.goto(f"{stack.api}/console")
    await log_in_as(page, make_supporter("Sam"))
    rita = make_supporter("Rita")
    ria = await customer_in_chat("Ria", "Lease end")
    item = page.locator(f"#waiting-list [data-chat-id='{ria.chat['id']}']")
    await expect(item.locator(".chat-item-meta")).to_have_text("Waiting < 1 min")
    await expect(item.locator(".chat-item-last")).to_have_text("No messages yet")

    await page.clock.set_system_time(datetime.now(UTC) + timedelta(minutes=3, seconds=5))
    await expect(item.locator(".chat-item-meta")).to_have_text("Waiting 3 min", timeout=20_000)

    # A colleague takes it, then ends it: the item moves without a reload.
    await page.evaluate("window.notReloaded = true")
    call(stack, "POST", f"/api/chats/{ria.chat['id']}/take", rita).raise_for_status()
    taken = page.locator(f"#active-list [data-chat-id='{ria.chat['id']}']")
    await expect(taken.locator(".chat-item-meta")).to_have_text("With Rita")
    await expect(taken.locator("[data-action=take]")).to_have_text("Take over")
    await expect(item).to_have_count(0)
    call(stack, "POST", f"/api/chats/{ria.chat['id']}/end", rita).raise_for_status()
    await expect(page.locator(f"#ended-list [data-chat-id='{ria.chat['id']}']")).to_be_visible()
    await expect(taken).to_have_count(0)
    assert await page.evaluate("window.notReloaded") is True
