"""Suggested replies in the console: chips under the composer that send, edit and rate.

A model is trained on the stack's archive and the real bots process serves it
(the `suggesting` fixture); the customer is a slixmpp client.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Locator, Page, Route, expect
from slixmpp import JID
from sqlalchemy import select

from bots.suggestions.tables import suggestion_feedback
from tests.browser.conftest import Pages, fits, focus_is_visible, screenshot_path
from tests.browser.test_console import bubble, log_in_as
from tests.browser.test_console_chat_list import take_in_console
from tests.conftest import InChat, Person, call, eventually, logged_messages
from tests.stack import Stack
from tests.suggestions.conftest import BATTERY, suggesting

pytestmark = pytest.mark.browser

__all__ = ["suggesting"]  # the fixture, shared with tests/suggestions

StartChat = Callable[..., Awaitable[InChat]]
CONTRACT = "Ihr Leasingvertrag {{Number}} ist verlängert, die neue Laufzeit steht im Portal."
MARKUP = "<img src=x onerror=alert(1)>"
FOCUSED = "(e => e.closest('[data-rank]').dataset.rank + e.dataset.action)(document.activeElement)"


def chip(page: Page, rank: int) -> Locator:
    """The suggestion chip shown at this place (1-3)."""
    return page.locator(f"#suggestions .suggestion-chip[data-rank='{rank}']")


async def chip_text(page: Page, rank: int) -> str:
    """The full text of a chip (its tooltip)."""
    text = await chip(page, rank).locator("[data-action=send]").get_attribute("title")
    assert text
    return text


async def bot_in_room(customer: InChat) -> None:
    """Wait until suggest@ sits in the customer's room (it joins when the chat is taken)."""
    muc = customer.client.plugin["xep_0045"]
    await eventually(
        lambda: "Suggestions" in (muc.get_roster(JID(customer.room)) or []) or None, timeout=30
    )


async def holding(page: Page, customer: InChat) -> None:
    """Take the customer's chat in the console, with suggest@ in its room."""
    await take_in_console(page, customer)
    await bot_in_room(customer)


async def received(customer: InChat, text: str) -> None:
    """Wait until the customer got this message in the room."""
    await customer.client.wait_for(
        lambda: [m for m in customer.client.room_messages if m.body == text]
    )


def offered(stack: Stack, supporter: Person, customer: InChat) -> list[Any]:
    """The suggestions the api has for the supporter in the customer's chat."""
    answer = call(stack, "GET", f"/api/chats/{customer.chat['id']}/suggestions", supporter)
    suggestions: list[Any] = answer.json()["suggestions"]
    return suggestions


def feedback(stack: Stack, chat_id: str) -> list[tuple[str, int]]:
    """What the supporter did with the chat's suggestions, in order: (action, rank)."""
    rows = stack.db.run_sync(
        lambda conn: conn.execute(
            select(suggestion_feedback.c.action, suggestion_feedback.c.rank)
            .where(suggestion_feedback.c.chat_id == uuid.UUID(chat_id))
            .order_by(suggestion_feedback.c.id)
        ).all()
    )
    return [(action, rank) for action, rank in rows]


async def test_supporter_sends_rates_and_edits_suggested_replies(
    suggesting: Stack,
    pages: Pages,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
) -> None:
    page = await pages.open("/console")
    await log_in_as(page, make_supporter("Sam"))
    ria = await customer_in_chat("Ria", "Akku")
    await holding(page, ria)
    panel = page.locator("#suggestions")
    await expect(panel).to_be_hidden()

    ria.client.say(ria.room, "Mein Akku lädt nicht mehr")
    await expect(panel.get_by_role("heading", name="Suggested replies")).to_be_visible()
    await expect(panel.locator(".suggestion-chip")).to_have_count(3)
    await expect(chip(page, 1).locator(".suggestion-text")).to_have_text(
        f"Send suggestion 1: {BATTERY}"
    )
    await expect(chip(page, 1).locator(".suggestion-text")).to_have_attribute("title", BATTERY)
    # Only the first is a sure pick here: the most used answers fill the other places.
    await expect(panel.locator("#suggestions-note")).to_have_text("Not sure — most used answers")
    await page.screenshot(path=screenshot_path("console-suggestions"), full_page=True)

    # A click on the chip sends it as it is: the customer gets exactly that text, from Sam.
    await chip(page, 1).locator("[data-action=send]").click()
    await received(ria, BATTERY)
    await expect(bubble(page, BATTERY)).to_have_class(re.compile(r"\bmessage--own\b"))
    await expect(chip(page, 1)).to_have_attribute("data-state", "sent")
    await expect(chip(page, 1).locator(".suggestion-state")).to_have_text("Sent")

    # Thumbs down on the second.
    down = page.get_by_role("button", name="Rate suggestion 2 not helpful")
    await expect(down).to_have_attribute("aria-pressed", "false")
    await down.click()
    await expect(down).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_role("button", name="Rate suggestion 2 helpful")).to_have_attribute(
        "aria-pressed", "false"
    )
    await eventually(lambda: ("down", 2) in feedback(suggesting, ria.chat["id"]) or None)

    # Edit lends the composer to the third; Escape gives the draft back.
    box = page.get_by_label("Reply to the customer")
    await box.fill("Liebe Ria, ")
    third = await chip_text(page, 3)
    await chip(page, 3).locator("[data-action=edit]").click()
    await expect(box).to_have_value(third)
    await expect(box).to_be_focused()
    await expect(page.locator("#suggestion-editing")).to_contain_text("Editing suggestion 3")
    await box.press("Escape")
    await expect(box).to_have_value("Liebe Ria, ")
    await expect(page.locator("#suggestion-editing")).to_be_hidden()

    await chip(page, 3).locator("[data-action=edit]").click()
    await expect(box).to_have_value(third)
    await page.screenshot(path=screenshot_path("console-suggestion-editing"), full_page=True)
    edited = "Bitte den Akku über Nacht laden und dann das Display neu starten."
    await box.fill(edited)
    await box.press("Enter")
    await received(ria, edited)
    await expect(bubble(page, edited)).to_have_class(re.compile(r"\bmessage--own\b"))
    await expect(box).to_have_value("Liebe Ria, ")
    await expect(page.locator("#suggestion-editing")).to_be_hidden()
    assert not [m for m in ria.client.room_messages if m.body == third]
    # The reply and its record are written together: what the customer got is recorded.
    assert feedback(suggesting, ria.chat["id"]) == [
        ("shown", 1), ("shown", 2), ("shown", 3), ("chosen", 1), ("down", 2), ("edited", 3)
    ]  # fmt: skip

    # The next question brings new chips; one that needs a number opens the editor instead.
    ria.client.say(ria.room, "Wurde die Verlängerung von meinem Vertrag bearbeitet?")
    blind = panel.locator(".suggestion-chip").filter(
        has=page.locator(f".suggestion-text[title='{CONTRACT}']")
    )
    await expect(blind.locator(".suggestion-state")).to_have_text("Needs {{Number}}")
    await expect(chip(page, 1)).to_have_attribute("data-state", "ready")
    await blind.locator("[data-action=send]").click()
    await expect(box).to_have_value(CONTRACT)
    selected = await box.evaluate("box => box.value.slice(box.selectionStart, box.selectionEnd)")
    assert selected == "{{Number}}"
    await box.press("End")
    await box.press("Enter")
    await expect(page.locator("#suggestion-error")).to_have_text("Fill in {{Number}} first.")
    # The placeholder is selected again: typing replaces it.
    await box.press_sequentially("LV-777777")
    await box.press("Enter")
    filled = CONTRACT.replace("{{Number}}", "LV-777777")
    await received(ria, filled)
    await expect(page.locator("#suggestion-error")).to_be_hidden()
    await expect(box).to_have_value("Liebe Ria, ")
    assert not [m for m in ria.client.room_messages if "{{" in m.body]
    # Only the number was filled in: the suggestion counts as chosen, not edited.
    rank = int(await blind.get_attribute("data-rank") or 0)
    assert feedback(suggesting, ria.chat["id"])[-1] == ("chosen", rank)


async def test_suggestions_follow_the_open_chat_and_come_back_after_a_reload(
    suggesting: Stack,
    pages: Pages,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
) -> None:
    page = await pages.open("/console")
    sam = make_supporter("Sam")
    await log_in_as(page, sam)
    ria = await customer_in_chat("Ria", "Akku")
    ben = await customer_in_chat("Ben", "Vertrag")
    await holding(page, ria)
    await holding(page, ben)
    panel = page.locator("#suggestions")

    # Ria writes while Ben's chat is open: her suggestions wait for her chat.
    ria.client.say(ria.room, "Mein Akku lädt nicht mehr")
    await eventually(lambda: offered(suggesting, sam, ria) or None)
    await expect(page.locator(f"[data-chat-id='{ria.chat['id']}'] .badge")).to_have_text("1")
    await expect(panel).to_be_hidden()
    await page.locator(f"[data-chat-id='{ria.chat['id']}'] [data-action=open]").click()
    await expect(chip(page, 1).locator("[data-action=send]")).to_have_attribute("title", BATTERY)
    ria_ids = await panel.locator(".suggestion-chip").evaluate_all(
        "chips => chips.map(chip => chip.dataset.suggestionId)"
    )
    await chip(page, 1).locator("[data-action=send]").click()
    await received(ria, BATTERY)
    helpful = page.get_by_role("button", name="Rate suggestion 2 helpful")
    await helpful.click()
    await eventually(lambda: ("up", 2) in feedback(suggesting, ria.chat["id"]) or None)

    # Ben writes while Ria's chat is open: her chips stay.
    ben.client.say(ben.room, "Wurde die Verlängerung von meinem Vertrag bearbeitet?")
    await expect(page.locator(f"[data-chat-id='{ben.chat['id']}'] .badge")).to_have_text("1")
    await expect(chip(page, 1).locator("[data-action=send]")).to_have_attribute("title", BATTERY)
    await page.locator(f"[data-chat-id='{ben.chat['id']}'] [data-action=open]").click()
    await expect(panel.locator(f".suggestion-text[title='{CONTRACT}']")).to_have_count(1)

    # After a reload the chips come from the api again.
    await page.reload()
    await expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    await page.locator(f"[data-chat-id='{ria.chat['id']}'] [data-action=open]").click()
    await expect(panel.locator(".suggestion-chip")).to_have_count(3)
    again = await panel.locator(".suggestion-chip").evaluate_all(
        "chips => chips.map(chip => chip.dataset.suggestionId)"
    )
    assert again == ria_ids
    # What was sent and rated before the reload still shows, and the fallback hint too.
    await expect(chip(page, 1)).to_have_attribute("data-state", "sent")
    await expect(helpful).to_have_attribute("aria-pressed", "true")
    await expect(panel.locator("#suggestions-note")).to_be_visible()
    # Pressing the pressed thumb again takes the rating back.
    await helpful.click()
    await expect(helpful).to_have_attribute("aria-pressed", "false")
    await eventually(lambda: feedback(suggesting, ria.chat["id"])[-1] == ("unrated", 2) or None)
    await page.reload()
    await expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    await page.locator(f"[data-chat-id='{ria.chat['id']}'] [data-action=open]").click()
    await expect(chip(page, 2)).to_be_visible()
    await expect(helpful).to_have_attribute("aria-pressed", "false")


async def test_chips_work_by_keyboard_show_api_errors_stay_text_and_fit_a_phone(
    suggesting: Stack,
    pages: Pages,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
) -> None:
    page = await pages.open("/console", width=360, height=740)
    await log_in_as(page, make_supporter("Sam"))
    ria = await customer_in_chat("Ria", "Akku")
    await holding(page, ria)
    ria.client.say(ria.room, "Mein Akku lädt nicht mehr")
    await expect(page.locator("#suggestions .suggestion-chip")).to_have_count(3)
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("console-phone-suggestions"), full_page=True)

    # From the reply box, Tab reaches every control of every chip, each with a visible focus ring.
    await page.get_by_label("Reply to the customer").focus()
    walked: list[str] = []
    for _ in range(8):
        await page.keyboard.press("Tab")
        assert await focus_is_visible(page)
        walked.append(await page.evaluate(FOCUSED))
    assert walked == ["1send", "1edit", "1up", "1down", "2send", "2edit", "2up", "2down"]

    # Enter sends the focused chip.
    await chip(page, 1).locator("[data-action=send]").focus()
    await page.keyboard.press("Enter")
    await received(ria, BATTERY)
    await expect(chip(page, 1)).to_have_attribute("data-state", "sent")

    # The api's refusal shows by the chips; the chip can be tried again.
    async def refuse(route: Route) -> None:
        await route.fulfill(
            status=409,
            json={"detail": "only the supporter holding an active chat can answer in it"},
        )

    await page.route("**/api/suggestions/*/send", refuse)
    await chip(page, 2).locator("[data-action=send]").focus()
    await page.keyboard.press("Enter")
    error = page.locator("#suggestion-error")
    await expect(error).to_have_text("only the supporter holding an active chat can answer in it")
    await expect(error).to_have_attribute("role", "alert")
    await expect(chip(page, 2)).to_have_attribute("data-state", "ready")
    assert await fits(page, 360)
    await page.unroute("**/api/suggestions/*/send")

    # Whatever the api says goes in as text.
    async def markup(route: Route) -> None:
        await route.fulfill(
            json={
                "chat_id": ria.chat["id"],
                "suggestions": [{"id": 1, "rank": 1, "text": MARKUP, "missing": []}],
            }
        )

    await page.route(f"**/api/chats/{ria.chat['id']}/suggestions", markup)
    ria.client.say(ria.room, "Und jetzt?")
    await expect(chip(page, 1).locator(".suggestion-clamp")).to_have_text(MARKUP)
    assert await page.locator("#suggestions img").count() == 0


async def test_a_question_asked_while_waiting_shows_chips_when_the_console_takes_the_chat(
    suggesting: Stack,
    pages: Pages,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
) -> None:
    page = await pages.open("/console")
    await log_in_as(page, make_supporter("Sam"))
    ria = await customer_in_chat("Ria", "Akku")
    ria.client.say(ria.room, "Mein Akku lädt nicht mehr")
    await eventually(lambda: logged_messages(suggesting, ria.chat["id"], ria.person.token, 2))
    await take_in_console(page, ria)
    await eventually(lambda: feedback(suggesting, ria.chat["id"]) or None, timeout=30)
    send = chip(page, 1).locator("[data-action=send]")
    await expect(send).to_have_attribute("title", BATTERY, timeout=20_000)
