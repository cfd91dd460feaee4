"""Stage 3 tried as a new user would, on `make run`'s demo data (the issue's "done means").

Both customers press "Talk to a person" first: the assistant answers first
since stage 4, and these suggestions are for the people who take over.
Lena writes from the customer page in German; Gabi, in a desktop client (Gajim,
played by slixmpp), gets three suggestions from suggest@ as a private message,
replies `1`, and Lena's page shows the answer. Kim writes in English; Wes, in the
web console, takes her chat after she asked and sees the three as chips at once,
clicks one to send it and rates another down. The suggestions must be sensible:
the demo archive's answer to the question's topic is among them, asked in words
the archive does not contain.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from slixmpp import JID

from tests.browser.conftest import Connect, Pages, start_chat, take_from_queue
from tests.browser.test_console import bubble, chat_item, log_in_as
from tests.browser.test_console_suggestions import feedback
from tests.conftest import Person, eventually
from tests.stack import Stack
from tests.xmpp import NS, Client

pytestmark = pytest.mark.browser

TOPICS = Path(__file__).resolve().parents[3] / "demo" / "topics.json"


def answers(topic: str, language: str) -> set[str]:
    """The demo archive's answer of a topic and its rewordings (one module shows one of them)."""
    topics = json.loads(TOPICS.read_text())["topics"]
    found = next(t for t in topics if t["id"] == topic)[language]
    return {found["answer"], *found.get("variants", [])}


async def _takes(stack: Stack, gabi: Client, name: str, room: str) -> None:
    """Gabi takes the chat with chat commands, joins its room on the invitation, and waits
    for suggest@ to sit in it too."""
    assert "You have the chat with" in await take_from_queue(stack, gabi, name)
    await gabi.wait_for(
        lambda: any(f"Join {room}" in (m["body"] or "") for m in gabi.direct), timeout=20
    )
    await gabi.join(room, "Gabi")
    roster = gabi.plugin["xep_0045"].get_roster
    await eventually(lambda: "Suggestions" in (roster(JID(room)) or []) or None, timeout=30)


def _offers(gabi: Client, room: str) -> list[str]:
    return [
        m["body"]
        for m in gabi.direct
        if m["from"].bare == room and m.xml.find(f"{{{NS}}}suggestions") is not None
    ]


async def _shows(page: Page, text: str) -> None:
    await expect(page.locator("#messages .message-body", has_text=text)).to_have_count(1)


async def _to_a_person(page: Page) -> None:
    """The customer presses "Talk to a person" while the assistant has the chat."""
    await page.get_by_role("button", name="Talk to a person").click()
    await expect(page.locator("#status")).to_have_text("Waiting for supporter")


async def _say(page: Page, text: str) -> None:
    await page.locator("#message-input").fill(text)
    await page.locator("#message-input").press("Enter")


async def test_suggestions_in_a_desktop_client_and_in_the_console_on_demo_data(
    stack: Stack,
    pages: Pages,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    gabi: Client = await connect(make_supporter("Gabi"))

    # Lena, on the customer page, in German: the battery of her e-bike.
    lena = await pages.open("/")
    room = (await start_chat(lena, "Lena Vogt", "E-Bike", first_status="bot"))["room_jid"]
    await _to_a_person(lena)
    await _takes(stack, gabi, "Lena Vogt", room)
    await expect(lena.locator("#status")).to_have_text("Chat active")
    await _say(lena, "Hallo, mein Akku hält seit kurzem kaum noch, was tun?")

    await gabi.wait_for(lambda: _offers(gabi, room), timeout=30)
    body = _offers(gabi, room)[-1]
    lines = body.splitlines()
    assert [line[:3] for line in lines[:3]] == ["1) ", "2) ", "3) "]
    battery = lines[0].removeprefix("1) ")
    assert battery in answers("battery_problem", "de")  # the demo archive's answer, first
    assert await gabi.reply_to(f"{room}/Suggestions", "1") == "Sent suggestion 1."
    await _shows(lena, battery)

    # Kim, in English, about a stolen bike; Wes works in the web console.
    wes = make_supporter("Wes")
    console = await pages.open("/console")
    await log_in_as(console, wes)
    kim = await pages.open("/")
    kim_chat = await start_chat(kim, "Kim Fischer", "Stolen bike", first_status="bot")
    await _to_a_person(kim)
    await _say(kim, "My e-bike was stolen from the rack at work this morning. What now?")  # waiting
    await expect(chat_item(console, kim_chat["id"])).to_contain_text("was stolen")
    await chat_item(console, kim_chat["id"]).locator("[data-action=take]").click()
    await expect(console.locator("#chat-title")).to_have_text("Kim Fischer")
    await expect(kim.locator("#status")).to_have_text("Chat active")

    chips = console.locator("#suggestions .suggestion-chip")
    await expect(chips).to_have_count(3, timeout=30_000)
    titles = await chips.locator(".suggestion-text").evaluate_all("els => els.map(e => e.title)")
    theft = next(iter(answers("theft_report", "en") & set(titles)), None)
    assert theft, titles  # the demo archive's theft answer is among the three
    rank = titles.index(theft) + 1
    chosen = chips.nth(rank - 1)
    await chosen.locator("[data-action=send]").click()
    await _shows(kim, theft)
    await expect(bubble(console, theft)).to_have_count(1)

    other = 1 if rank != 1 else 2
    down = console.get_by_role("button", name=f"Rate suggestion {other} not helpful")
    await down.click()
    await expect(down).to_have_attribute("aria-pressed", "true")
    await eventually(lambda: ("down", other) in feedback(stack, kim_chat["id"]) or None)
    assert ("chosen", rank) in feedback(stack, kim_chat["id"])
