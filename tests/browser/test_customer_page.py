"""A customer chats from the web page: statuses, messages, reloads, a bad network, a dead node."""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, Route, expect

from bridge.xmpp_server.control import Ejabberd
from tests.browser.conftest import (
    Connect,
    Pages,
    berlin_clock,
    customer_chat,
    fits,
    focus_is_visible,
    message_texts,
    screenshot_path,
    start_chat,
    tab_through,
    take_from_queue,
    unique,
)
from tests.browser.proxy import TcpProxy
from tests.cluster.conftest import beam_pid, node_b, node_b_env
from tests.conftest import Person, eventually, logged_messages, reply_for
from tests.stack import Stack

pytestmark = pytest.mark.browser
__all__ = ["node_b", "node_b_env"]  # a second ejabberd node, for the page's failover

MARKUP = "<img src=x onerror=alert(1)>"


def take_over_api(stack: Stack, supporter: Person, chat_id: str) -> None:
    """The supporter takes the chat with the api (as the console does)."""
    answer = httpx.post(
        f"{stack.api}/api/chats/{chat_id}/take",
        headers={"Authorization": f"Bearer {supporter.token}"},
        timeout=20,
    )
    answer.raise_for_status()


def bubble(page: Page, body: str) -> Any:
    """The chat messages on the page whose body is exactly `body`."""
    return page.locator("#messages li.message").filter(
        has=page.locator(".message-body", has_text=body)
    )


async def test_customer_chats_with_a_supporter_until_the_supporter_ends_it(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    sam = await connect(make_supporter("Sam"))
    page = await pages.open("/")
    name = unique("Anna")
    chat = await start_chat(page, name, "Flat tyre")
    await expect(page.locator("#status")).to_have_text("Waiting for supporter")

    taken = await take_from_queue(stack, sam, name)
    assert f"You have the chat with {name}" in taken
    await expect(page.locator("#status")).to_have_text("Chat active")
    await expect(page.locator("#status")).to_have_attribute("data-status", "active")
    await sam.join(chat["room_jid"], "Sam")

    # Enter sends.
    box = page.locator("#message-input")
    before = berlin_clock()
    await box.press_sequentially("Hello, my tyre is flat")
    await box.press("Enter")
    await expect(box).to_have_value("")
    hello = bubble(page, "Hello, my tyre is flat")
    await expect(hello).to_have_attribute("data-state", "sent")
    await sam.wait_for(lambda: any(m.body == "Hello, my tyre is flat" for m in sam.room_messages))
    assert await hello.locator(".message-time").inner_text() in {before, berlin_clock()}

    # Shift+Enter makes a new line instead of sending.
    await box.press_sequentially("Line one")
    await box.press("Shift+Enter")
    await box.press_sequentially("line two")
    await expect(box).to_have_value("Line one\nline two")
    assert not any(m.body.startswith("Line one") for m in sam.room_messages)
    await box.press("Enter")
    await sam.wait_for(lambda: any(m.body == "Line one\nline two" for m in sam.room_messages))

    # The supporter answers.
    before = berlin_clock()
    sam.say(chat["room_jid"], "Sorry to hear! Which bike is it?")
    answer = bubble(page, "Sorry to hear! Which bike is it?")
    await expect(answer).to_have_count(1)
    await expect(answer.locator(".message-sender")).to_have_text("Sam")
    assert await answer.locator(".message-time").inner_text() in {before, berlin_clock()}

    await expect(page.locator("#messages li.message[data-state=sent]")).to_have_count(3)
    assert [body for _, body in await message_texts(page)] == [
        "Hello, my tyre is flat",
        "Line one\nline two",
        "Sorry to hear! Which bike is it?",
    ]
    customer_bodies = [m.body for m in sam.room_messages if m.nick == name]
    assert customer_bodies == ["Hello, my tyre is flat", "Line one\nline two"]

    # The supporter ends the chat.
    ended = await sam.reply_to(stack.settings.component_jid, "end")
    assert "has ended" in ended
    await expect(page.locator("#status")).to_have_text("Chat was ended by the supporter")
    await expect(box).to_be_disabled()
    await expect(page.locator("#new-chat")).to_be_visible()
    await expect(page.locator("#messages li.message")).to_have_count(3)
    await page.screenshot(path=screenshot_path("customer-ended"), full_page=True)


async def test_markup_in_names_and_messages_shows_as_plain_text(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    sam_person = make_supporter("Sam")
    sam = await connect(sam_person)
    page = await pages.open("/")
    name = f"{MARKUP} {unique('Eve')}"
    chat = await start_chat(page, name, MARKUP)
    take_over_api(stack, sam_person, chat["id"])
    await expect(page.locator("#status")).to_have_text("Chat active")
    await sam.join(chat["room_jid"], MARKUP)

    await page.locator("#message-input").fill(f"look: {MARKUP}")
    await page.locator("#message-input").press("Enter")
    sam.say(chat["room_jid"], f"and {MARKUP}")

    await expect(bubble(page, f"look: {MARKUP}")).to_have_attribute("data-state", "sent")
    answer = bubble(page, f"and {MARKUP}")
    await expect(answer).to_have_count(1)
    await expect(answer.locator(".message-sender")).to_have_text(MARKUP)
    await expect(page.locator("#chat-subject")).to_have_text(MARKUP)
    await sam.wait_for(lambda: any(m.body == f"look: {MARKUP}" for m in sam.room_messages))
    assert [m.nick for m in sam.room_messages if m.body == f"look: {MARKUP}"] == [name]
    assert await page.locator("img").count() == 0
    assert pages.dialogs == []


async def test_reload_shows_the_same_messages_once_and_keeps_the_status(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    sam_person = make_supporter("Sam")
    sam = await connect(sam_person)
    page = await pages.open("/")
    chat = await start_chat(page, unique("Rita"), "Contract change")
    take_over_api(stack, sam_person, chat["id"])
    await expect(page.locator("#status")).to_have_text("Chat active")
    await sam.join(chat["room_jid"], "Sam")

    for number in range(1, 4):
        await page.locator("#message-input").fill(f"customer line {number}")
        await page.locator("#message-input").press("Enter")
        sam.say(chat["room_jid"], f"supporter line {number}")
        await expect(bubble(page, f"supporter line {number}")).to_have_count(1)
    await expect(page.locator("#messages li.message[data-state=sent]")).to_have_count(6)
    shown = await message_texts(page)
    statuses = await page.locator("#messages li.status-line").all_inner_texts()
    assert len({stanza_id for stanza_id, _ in shown}) == 6

    await page.reload()
    await expect(page.locator("#status")).to_have_text("Chat active")
    await expect(page.locator("#messages li.message[data-state=sent]")).to_have_count(6)
    assert await message_texts(page) == shown
    assert await page.locator("#messages li.status-line").all_inner_texts() == statuses

    # Still live after the reload, and still nothing twice.
    sam.say(chat["room_jid"], "after the reload")
    await expect(bubble(page, "after the reload")).to_have_count(1)
    assert [text for text in await message_texts(page)][:6] == shown
    await expect(page.locator("#messages li.message")).to_have_count(7)


async def test_page_reconnects_after_the_network_drops_and_loses_or_doubles_nothing(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    proxy = TcpProxy(stack.settings.xmpp_http_port)
    await proxy.start()
    try:
        # The train enters a tunnel: every connection drops and new ones fail for a while.
        await _chat_through_an_outage(stack, pages, make_supporter, connect, proxy, proxy.cut)
    finally:
        await proxy.close()


async def test_page_moves_to_another_node_when_its_node_is_killed_and_loses_nothing(
    stack: Stack,
    node_b: Ejabberd,
    pages: Pages,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    a, b = stack.settings.xmpp_http_port, node_b.settings.xmpp_http_port
    balancer = TcpProxy(b, a)  # the page lands on node B while B is up
    await balancer.start()

    def kill_node_b() -> None:
        assert balancer.last_target == b, "the page is on node B"
        # Until its health check notices, a balancer still sends new connections to B.
        balancer.hold()
        os.kill(beam_pid(node_b.settings.ejabberd_node), signal.SIGKILL)

    try:
        await _chat_through_an_outage(stack, pages, make_supporter, connect, balancer, kill_node_b)
    finally:
        await balancer.close()
    assert balancer.last_target == a, "the page came back through node A"


async def _chat_through_an_outage(
    stack: Stack,
    pages: Pages,
    make_supporter: Callable[..., Person],
    connect: Connect,
    proxy: TcpProxy,
    outage: Callable[[], None],
) -> None:
    """Chat through the proxy; `outage()` drops the page's connection until proxy.restore().

    Meanwhile the supporter writes and the customer types; afterwards the page shows
    everything once, in order, and the room and the log have the customer's message once.
    """
    sam_person = make_supporter("Sam")
    sam = await connect(sam_person)
    # The page's Content-Security-Policy names the WebSocket URL the api hands out; the
    # proxy is a network detour the api does not know about.
    page = await pages.open(None, bypass_csp=True)
    proxied_url = f"ws://127.0.0.1:{proxy.port}/xmpp-websocket"

    async def session_through_proxy(route: Route) -> None:
        response = await route.fetch()
        session = await response.json()
        session["xmpp"]["websocket_url"] = proxied_url
        await route.fulfill(response=response, json=session)

    await page.route("**/api/auth/guest", session_through_proxy)
    await page.goto(f"{stack.api}/")
    name = unique("Tom")
    chat = await start_chat(page, name, "Insurance case")
    saved = await page.evaluate("localStorage.getItem('customer-chat:customer')")
    assert proxied_url in saved
    take_over_api(stack, sam_person, chat["id"])
    await expect(page.locator("#status")).to_have_text("Chat active")
    await sam.join(chat["room_jid"], "Sam")
    assert proxy.accepted >= 1

    await page.locator("#message-input").fill("before the tunnel")
    await page.locator("#message-input").press("Enter")
    sam.say(chat["room_jid"], "hello Tom")
    await expect(bubble(page, "hello Tom")).to_have_count(1)
    await expect(bubble(page, "before the tunnel")).to_have_attribute("data-state", "sent")

    outage()
    await expect(page.locator("#connection")).to_be_visible()
    await expect(page.locator("#connection")).to_have_text("Reconnecting…")
    supporter_lines = [f"supporter message {number:02d}" for number in range(1, 21)]
    for line in supporter_lines:
        sam.say(chat["room_jid"], line)
    await page.locator("#message-input").fill("typed in the tunnel")
    await page.locator("#message-input").press("Enter")
    offline = bubble(page, "typed in the tunnel")
    await expect(offline).to_have_attribute("data-state", "pending")
    await sam.wait_for(lambda: sum(m.body in supporter_lines for m in sam.room_messages) == 20)
    assert not any(m.body == "typed in the tunnel" for m in sam.room_messages)

    dropped = proxy.accepted
    proxy.restore()
    await expect(page.locator("#connection")).to_be_hidden(timeout=45_000)
    assert proxy.accepted > dropped, "the page came back through the proxy"
    await expect(offline).to_have_attribute("data-state", "sent", timeout=30_000)
    await expect(bubble(page, supporter_lines[-1])).to_have_count(1, timeout=30_000)
    await expect(page.locator("#messages li.message")).to_have_count(23)

    bodies = [body for _, body in await message_texts(page)]
    assert Counter(bodies) == Counter(
        ["before the tunnel", "hello Tom", *supporter_lines, "typed in the tunnel"]
    )
    shown_supporter_lines = [body for body in bodies if body in supporter_lines]
    assert shown_supporter_lines == supporter_lines
    stanza_ids = [stanza_id for stanza_id, _ in await message_texts(page)]
    assert len(set(stanza_ids)) == len(stanza_ids)

    await sam.wait_for(lambda: any(m.body == "typed in the tunnel" for m in sam.room_messages))
    assert [m.body for m in sam.room_messages].count("typed in the tunnel") == 1

    wanted = Counter(bodies)

    def complete_log() -> list[dict[str, Any]] | None:
        rows = logged_messages(stack, chat["id"], sam_person.token, 23)
        if rows is None:
            return None
        logged = Counter(row["body"] for row in rows if row["kind"] != "system")
        return rows if all(logged[body] >= 1 for body in wanted) else None

    rows = await eventually(complete_log, timeout=20)
    chat_rows = [row for row in rows if row["kind"] != "system"]
    assert Counter(row["body"] for row in chat_rows) == wanted
    assert len({row["stanza_id"] for row in rows}) == len(rows)
    origin_ids = [row["origin_id"] for row in rows if row["origin_id"]]
    assert len(set(origin_ids)) == len(origin_ids)
    assert (await customer_chat(page))["id"] == chat["id"]


async def test_customer_page_has_labels_visible_focus_and_fits_a_phone(pages: Pages) -> None:
    page = await pages.open("/", width=360, height=740)
    name = page.get_by_label("Your name")
    subject = page.get_by_label("What is it about?")
    await expect(name).to_be_visible()
    await expect(subject).to_be_visible()
    assert await fits(page, 360)

    assert await tab_through(page, ".skip-link", 3) == ["name", "subject", "start"]

    await name.fill(unique("Mia"))
    await subject.fill("A rather long subject about a contract change for the e-bike")
    await subject.press("Enter")
    await expect(page.locator("#status")).to_have_text("Waiting for supporter")
    message_box = page.get_by_label("Your message")
    await expect(message_box).to_be_focused()
    assert await focus_is_visible(page)
    await message_box.fill("A message with a very long word " + "long" * 40)
    await message_box.press("Enter")
    await expect(page.locator("#messages li.message[data-state=sent]")).to_have_count(1)
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("customer-phone"), full_page=True)


async def test_a_reply_picked_by_the_supporter_shows_as_theirs(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    page = await pages.open("/")
    chat = await start_chat(page, unique("Anna"), "Insurance")
    take_over_api(stack, sam, chat["id"])
    await expect(page.locator("#status")).to_have_text("Chat active")
    reply_for(stack, chat["id"], sam, "Theft is covered, with a police report.")
    answer = bubble(page, "Theft is covered, with a police report.")
    await expect(answer.locator(".message-sender")).to_have_text("Sam")
    await page.reload()  # the same from the room's archive
    await expect(answer.locator(".message-sender")).to_have_text("Sam")
