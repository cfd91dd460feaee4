"""A supporter works from the web console: login, the live queue, take, chat, end."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from playwright.async_api import Locator, Page, expect

from bridge.accounts import passwords, repository
from tests.browser.conftest import (
    Connect,
    Pages,
    berlin_clock,
    fits,
    screenshot_path,
    tab_through,
    unique,
)
from tests.conftest import Person, open_chat
from tests.stack import Stack

pytestmark = pytest.mark.browser

MARKUP = "<img src=x onerror=alert(1)>"


async def log_in(page: Page, login: str, password: str) -> None:
    """Fill in the console's login form and submit it."""
    await page.get_by_label("Email or username").fill(login)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()


async def log_in_as(page: Page, supporter: Person) -> None:
    """Log a supporter in with their username and wait until the console is online."""
    await log_in(page, supporter.jid.split("@")[0], supporter.password)
    await expect(page.locator("#console-view")).to_be_visible()
    await expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")


def chat_item(page: Page, chat_id: str) -> Locator:
    """The console's list entry of a chat."""
    return page.locator(f"#chat-list [data-chat-id='{chat_id}']")


def bubble(page: Page, body: str) -> Locator:
    """The chat messages in the open chat whose body is `body`."""
    return page.locator("#messages li.message").filter(
        has=page.locator(".message-body", has_text=body)
    )


async def test_supporter_takes_a_waiting_chat_in_the_console_and_ends_it(
    stack: Stack,
    pages: Pages,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    sam = make_supporter("Sam")
    page = await pages.open("/console")
    await log_in_as(page, sam)
    await expect(page.locator("#me")).to_have_text("Sam")
    await page.evaluate("window.notReloaded = true")

    # A customer starts a chat; it shows up in the list by itself, long before the 30 s poll.
    name = unique("Anna")
    anna = make_guest(name)
    chat = open_chat(stack, anna, "Brakes squeak")
    customer = await connect(anna)
    await customer.join(chat["room_jid"], name)
    item = chat_item(page, chat["id"])
    await expect(item).to_be_visible(timeout=10_000)
    await expect(item).to_have_attribute("data-status", "waiting")
    await expect(item.locator(".chat-item-name")).to_have_text(name)
    await expect(item.locator(".chat-item-subject")).to_have_text("Brakes squeak")
    assert await page.evaluate("window.notReloaded") is True

    await item.locator("[data-action=take]").click()
    await expect(page.locator("#chat-title")).to_have_text(name)
    await expect(page.locator("#status")).to_have_text("Chat active")
    await customer.wait_for(lambda: "active" in customer.statuses())
    await expect(page.locator("#end-chat")).to_be_visible()
    await expect(chat_item(page, chat["id"])).to_have_attribute("data-status", "active")

    box = page.locator("#message-input")
    await expect(box).to_be_enabled()
    before = berlin_clock()
    await box.press_sequentially("Hi Anna, Sam here. Which bike is it?")
    await box.press("Enter")
    await customer.wait_for(
        lambda: [m for m in customer.room_messages if m.body.startswith("Hi Anna")]
    )
    reply = bubble(page, "Hi Anna, Sam here. Which bike is it?")
    await expect(reply).to_have_attribute("data-state", "sent")
    assert await reply.locator(".message-time").inner_text() in {before, berlin_clock()}
    [seen] = [m for m in customer.room_messages if m.body.startswith("Hi Anna")]
    assert seen.nick == "Sam"

    customer.say(chat["room_jid"], "The blue cargo bike")
    answer = bubble(page, "The blue cargo bike")
    await expect(answer).to_have_count(1)
    await expect(answer.locator(".message-sender")).to_have_text(name)
    await expect(page.locator("#messages li.message")).to_have_count(2)

    await page.locator("#end-chat").click()
    await customer.wait_for(lambda: "ended" in customer.statuses())
    assert [m.body for m in customer.room_messages if m.status == "ended"] == [
        "Chat was ended by the supporter"
    ]
    await expect(page.locator("#status")).to_have_text("Chat was ended by the supporter")
    await expect(box).to_be_disabled()
    await expect(page.locator("#end-chat")).to_be_hidden()
    ended = page.locator(f"#ended-list [data-chat-id='{chat['id']}']")
    await expect(ended).to_have_attribute("data-status", "ended")
    await expect(ended.locator("[data-action=take]")).to_have_count(0)
    await page.screenshot(path=screenshot_path("console-ended"), full_page=True)


async def test_a_customer_account_is_refused_at_the_console(stack: Stack, pages: Pages) -> None:
    email = f"carla{uuid.uuid4().hex[:6]}@example.com"
    password = f"pw-{uuid.uuid4().hex}"
    stack.db.run_sync(
        lambda conn: repository.create(
            conn,
            email=email,
            display_name="Carla",
            role="user",
            password_hash=passwords.hash_password(password),
        )
    )
    page = await pages.open("/console")

    await log_in(page, email, "not her password")
    await expect(page.locator("#login-error")).to_be_visible()
    await expect(page.locator("#login-error")).to_contain_text("wrong email or password")

    await log_in(page, email, password)
    await expect(page.locator("#login-error")).to_have_text(
        "This account has no access to the support console. Please log in with a supporter account."
    )
    await expect(page.locator("#console-view")).to_be_hidden()
    assert await page.evaluate("sessionStorage.getItem('customer-chat:console')") is None


async def test_console_shows_markup_in_names_and_subjects_as_text(
    stack: Stack,
    pages: Pages,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    page = await pages.open("/console")
    await log_in_as(page, make_supporter("Sam"))
    name = f"{MARKUP} {unique('Eve')}"
    eve = make_guest(name)
    chat = open_chat(stack, eve, MARKUP)
    customer = await connect(eve)
    await customer.join(chat["room_jid"], name)

    item = chat_item(page, chat["id"])
    await expect(item.locator(".chat-item-name")).to_have_text(name, timeout=10_000)
    await expect(item.locator(".chat-item-subject")).to_have_text(MARKUP)
    await item.locator("[data-action=take]").click()
    await expect(page.locator("#chat-title")).to_have_text(name)
    await expect(page.locator("#chat-subject")).to_have_text(MARKUP)
    customer.say(chat["room_jid"], MARKUP)
    await expect(bubble(page, MARKUP)).to_have_count(1)
    await expect(bubble(page, MARKUP).locator(".message-sender")).to_have_text(name)
    assert await page.locator("img").count() == 0
    assert pages.dialogs == []


async def test_console_has_labels_visible_focus_and_fits_a_phone(
    stack: Stack,
    pages: Pages,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    page = await pages.open("/console", width=360, height=740)
    await expect(page.get_by_label("Email or username")).to_be_focused()
    await expect(page.get_by_label("Password")).to_be_visible()
    assert await tab_through(page, "#login-email", 2) == ["login-password", "login"]
    assert await fits(page, 360)

    await log_in_as(page, make_supporter("Sam"))
    name = unique("Ben")
    ben = make_guest(name)
    chat = open_chat(stack, ben, "A rather long subject about the lease of a cargo e-bike")
    customer = await connect(ben)
    await customer.join(chat["room_jid"], name)
    item = chat_item(page, chat["id"])
    await expect(item).to_be_visible(timeout=10_000)
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("console-phone-list"), full_page=True)

    take = item.locator("[data-action=take]")
    await take.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#chat-title")).to_have_text(name)
    message_box = page.get_by_label("Reply to the customer")
    await expect(message_box).to_be_focused()
    await message_box.press_sequentially("Hello Ben")
    await message_box.press("Enter")
    await expect(bubble(page, "Hello Ben")).to_have_attribute("data-state", "sent")
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("console-phone"), full_page=True)
