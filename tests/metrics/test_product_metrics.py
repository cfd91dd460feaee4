"""An operator scrapes `/metrics` and sees the product as the chats, the log and the bots see it.

Real processes throughout: the api answers the scrape from PostgreSQL, the bridge
logs the room messages, the bots answer and suggest, ejabberd logs people in
through the extauth program. Each test compares a scrape before and after its
story, so the tests of the package can run in any order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from slixmpp import JID
from sqlalchemy import text

from tests.conftest import InChat, Person, call, eventually, report
from tests.metrics.conftest import Scrape, scrape
from tests.stack import Stack
from tests.suggestions.conftest import BATTERY
from tests.xmpp import NS, Client

StartChat = Callable[..., Awaitable[InChat]]
Connect = Callable[[Person], Awaitable[Client]]
LOGGED = "customer_chat_messages_logged_total"
NAMES = ("suggestion", "assistant", "extauth")


def _chats(metrics: Scrape, status: str) -> float:
    return metrics.value("customer_chat_chats", status=status)


def _rows_in_log(stack: Stack) -> int:
    return int(
        stack.db.run_sync(
            lambda conn: conn.execute(text("SELECT count(*) FROM messages"))
        ).scalar_one()
    )


async def _log_settled(stack: Stack) -> tuple[Scrape, int]:
    """A scrape and the log's row count taken while nothing is being logged."""
    for _ in range(30):
        first, rows = scrape(stack), _rows_in_log(stack)
        await asyncio.sleep(1)
        second = scrape(stack)
        if first.value(LOGGED) == second.value(LOGGED) and rows == _rows_in_log(stack):
            return second, rows
    raise TimeoutError("the log never stood still for a second")


def _hand_over(stack: Stack, customer: InChat) -> None:
    answer = call(stack, "POST", f"/api/chats/{customer.chat['id']}/handover", customer.person)
    assert answer.status_code == 200, answer.text


async def test_operator_sees_waiting_and_active_chats_logged_messages_and_handoffs(
    suggesting: Stack, customer_in_chat: StartChat, make_supporter: Callable[..., Person]
) -> None:
    stack = suggesting
    before, rows_before = await _log_settled(stack)

    anna = await customer_in_chat("Anna", "Rahmen gebrochen")
    ben = await customer_in_chat("Ben", "Akku")
    assert _chats(scrape(stack), "bot") == _chats(before, "bot") + 2

    _hand_over(stack, anna)
    _hand_over(stack, ben)
    sam = make_supporter("Sam")
    assert call(stack, "POST", f"/api/chats/{ben.chat['id']}/take", sam).is_success
    await anna.client.wait_for(lambda: "waiting" in anna.client.statuses())
    await ben.client.wait_for(lambda: "active" in ben.client.statuses())
    anna.client.say(anna.room, "Hallo, ist jemand da?")
    ben.client.say(ben.room, "Mein Akku lädt nicht mehr")
    await eventually(lambda: anna.logged(stack, at_least=3))  # waiting, active... and hers
    await eventually(lambda: ben.logged(stack, at_least=3))
    after, rows_after = await _log_settled(stack)

    assert _chats(after, "waiting") == _chats(before, "waiting") + 1
    assert _chats(after, "active") == _chats(before, "active") + 1
    assert _chats(after, "bot") == _chats(before, "bot")
    handoffs = "customer_chat_handoffs_total"
    assert after.value(handoffs) == before.value(handoffs) + 2
    logged = after.value(LOGGED) - before.value(LOGGED)
    assert logged == rows_after - rows_before >= 2  # each row counted once, statuses too
    lag = "customer_chat_log_lag_seconds"
    assert after.value(f"{lag}_count") - before.value(f"{lag}_count") == logged
    within_5s = after.value(f"{lag}_bucket", le="5.0") - before.value(f"{lag}_bucket", le="5.0")
    assert within_5s == logged
    assert after.value(f"{lag}_sum") >= before.value(f"{lag}_sum")


def _from_assistant(customer: InChat) -> list[Any]:
    return [seen for seen in customer.client.room_messages if seen.nick == "Assistant"]


def _offer_bodies(client: Client, room: str) -> list[str]:
    return [
        str(message["body"])
        for message in client.direct
        if message["from"].bare == room and message.xml.find(f"{{{NS}}}suggestions") is not None
    ]


def _offers(client: Client, room: str) -> int:
    return len(_offer_bodies(client, room))


def _offered(client: Client, room: str, first: str) -> bool:
    return any(body.startswith(f"1) {first}") for body in _offer_bodies(client, room))


def _observations(metrics: Scrape, histogram: str) -> float:
    return metrics.value(f"customer_chat_{histogram}_seconds_count")


async def test_operator_sees_latencies_of_logins_assistant_answers_and_suggestions(
    suggesting: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    stack = suggesting
    before = scrape(stack)

    lena = await customer_in_chat("Lena")  # her XMPP login asks extauth
    lena.client.say(lena.room, "Mein Fahrrad wurde gestohlen, was muss ich tun?")
    await lena.client.wait_for(lambda: _from_assistant(lena), timeout=60)
    asked = call(stack, "POST", "/api/bot/messages", lena.person, json={"body": "Fahrrad weg"})
    assert asked.status_code == 200, asked.text

    _hand_over(stack, lena)
    sam_person = make_supporter("Sam")
    sam = await connect(sam_person)
    assert call(stack, "POST", f"/api/chats/{lena.chat['id']}/take", sam_person).is_success
    await lena.client.wait_for(lambda: "active" in lena.client.statuses())
    await sam.join(lena.room, "Sam")
    await eventually(lambda: "Suggestions" in _occupants(sam, lena.room) or None, timeout=30)
    lena.client.say(lena.room, "Mein Akku lädt nicht mehr")
    await sam.wait_for(lambda: _offered(sam, lena.room, BATTERY), timeout=30)

    # The bots and the api save their observations every 2 s.
    for _ in range(30):
        after = scrape(stack)
        grown = {name: _observations(after, name) - _observations(before, name) for name in NAMES}
        if grown["suggestion"] >= _offers(sam, lena.room) and grown["assistant"] == 2:
            break
        await asyncio.sleep(0.5)
    # Each offer Sam got (offers to other tests' supporters may be counted too).
    assert grown["suggestion"] >= _offers(sam, lena.room) >= 1
    assert grown["assistant"] == 2  # its answer (or handoff) in the room, one over HTTP
    assert grown["extauth"] >= 2  # Lena's and Sam's logins at least
    for histogram in NAMES:
        name = f"customer_chat_{histogram}_seconds"
        spent = after.value(f"{name}_sum") - before.value(f"{name}_sum")
        assert 0 < spent < 120, (histogram, spent)
        count = grown[histogram]
        report(f"/metrics: {count:.0f} {histogram} observations, mean {spent / count:.3f} s")
        assert after.value(f"{name}_bucket", le="+Inf") == after.value(f"{name}_count")


def _occupants(client: Client, room: str) -> list[str]:
    return list(client.plugin["xep_0045"].get_roster(JID(room)) or [])


async def test_ejabberd_statistics_answer_on_the_admin_api_as_the_readme_shows(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    await customer_in_chat("Ola")
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(
            f"http://127.0.0.1:{stack.settings.xmpp_admin_port}/api/stats",
            json={"name": "onlineusers"},
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["stat"] >= 1


def test_a_scrape_through_a_proxy_needs_the_token(stack: Stack) -> None:
    answer = httpx.get(f"{stack.api}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert answer.status_code == 403
    assert "CUSTOMER_CHAT_METRICS_TOKEN" in answer.json()["detail"]
