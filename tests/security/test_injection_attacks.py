"""Injection and abuse: SQL, HTML, control characters and oversized stanzas stay harmless.

(XSS in the browser is checked in tests/browser with an alert hook that must never fire;
a ciphertext swapped between rows in tests/messages.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.conftest import InChat, Person, call, eventually, open_chat
from tests.stack import Stack

StartChat = Callable[..., Awaitable[InChat]]


def test_sql_in_a_subject_is_stored_as_plain_text(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    subject = "'); DROP TABLE chats; --"
    chat = open_chat(stack, make_guest("Mia"), subject)
    assert chat["subject"] == subject


@pytest.mark.parametrize("subject", ["bell\x07", "nul\x00", "esc\x1b[31m"])
def test_control_characters_that_would_break_xmpp_get_422(
    stack: Stack, make_guest: Callable[[str], Person], subject: str
) -> None:
    answer = call(stack, "POST", "/api/chats", make_guest("Mia"), json={"subject": subject})
    assert answer.status_code == 422


def test_html_in_a_name_is_kept_as_text(stack: Stack) -> None:
    name = "<img src=x onerror=alert(1)>"
    answer = httpx.post(f"{stack.api}/api/auth/guest", json={"display_name": name})
    assert answer.json()["user"]["display_name"] == name


async def test_script_and_long_messages_are_logged_literally(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    uwe = await customer_in_chat("Uwe")
    bodies = ["<script>alert(1)</script> & ünïcödé 🚲", "long " * 8000]
    for body in bodies:
        uwe.client.say(uwe.room, body)
    rows = await eventually(lambda: uwe.logged(stack, 3))
    assert [r["body"] for r in rows if r["kind"] == "customer"] == bodies


async def test_an_oversized_stanza_closes_only_the_senders_stream(
    stack: Stack, customer_in_chat: Callable[..., Awaitable[InChat]]
) -> None:
    flooder = await customer_in_chat("Flo")
    neighbour = await customer_in_chat("Nia")
    flooder.client.say(flooder.room, "x" * 70_000)  # ejabberd's limit is 65,536 bytes
    await asyncio.wait_for(flooder.client.gone.wait(), 15)
    neighbour.client.say(neighbour.room, "still here?")
    await neighbour.client.wait_for(lambda: neighbour.own_reflected() == 1)
    rows = await eventually(lambda: neighbour.logged(stack, 2))
    assert rows[-1]["body"] == "still here?"
    assert all(len(row["body"]) < 70_000 for row in flooder.logged(stack, 0) or [])
