"""`assistant@` in a real room: answers with sources, hands over with a summary, stays silent.

Customers and supporters are slixmpp clients on the stack's ejabberd; the
assistant is the real bots process answering from the demo knowledge base.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.conftest import InChat, Person, call, eventually
from tests.stack import Stack
from tests.xmpp import Client, Seen

StartChat = Callable[..., Awaitable[InChat]]
Connect = Callable[[Person], Awaitable[Client]]

THEFT_DE = "Fahrrad gestohlen \N{EN DASH} was muss ich tun?"
UNCOVERED = "Könnt ihr mir sagen, wie das Wetter morgen in Hamburg wird?"


def _from_assistant(customer: InChat) -> list[Seen]:
    return [seen for seen in customer.client.room_messages if seen.nick == "Assistant"]


async def _ask(customer: InChat, question: str) -> Seen:
    """The customer asks; the assistant's next message in the room."""
    before = len(_from_assistant(customer))
    customer.client.say(customer.room, question)
    await customer.client.wait_for(lambda: len(_from_assistant(customer)) > before, timeout=30)
    return _from_assistant(customer)[before]


def _status(stack: Stack, customer: InChat) -> str:
    return str(
        call(stack, "GET", f"/api/chats/{customer.chat['id']}", customer.person).json()["status"]
    )


async def test_a_new_chat_starts_with_the_assistant_who_answers_with_its_source(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    lena = await customer_in_chat("Lena")
    assert lena.chat["status"] == "bot"
    history = await lena.client.history(lena.room)  # announced before she came in
    assert [(seen.status, seen.body) for seen in history] == [
        ("bot", "Chatting with our assistant")
    ]

    answer = await _ask(lena, "Mein E-Bike wurde gestohlen, was muss ich jetzt tun?")

    assert answer.origin_id.startswith("answer-")
    assert "Polizei" in answer.body
    assert answer.body.endswith(f"Source: {THEFT_DE}")
    assert _status(stack, lena) == "bot"


async def test_an_uncovered_question_is_queued_with_a_summary_and_the_assistant_falls_silent(
    stack: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    gabi_person = make_supporter("Gabi")
    gabi = await connect(gabi_person)
    mia = await customer_in_chat("Mia")

    handover = await _ask(mia, UNCOVERED)

    assert "Mitarbeiter" in handover.body  # the German hand-over text
    await mia.client.wait_for(lambda: "waiting" in mia.client.statuses())
    notice = await gabi.wait_for(lambda: _queue_notice(gabi, mia.name))
    assert "The knowledge base does not answer the question." in notice
    assert f"Customer wrote: “{UNCOVERED}”" in notice
    assert _status(stack, mia) == "waiting"

    assert call(stack, "POST", f"/api/chats/{mia.chat['id']}/take", gabi_person).is_success
    await mia.client.wait_for(lambda: "active" in mia.client.statuses())
    before = len(_from_assistant(mia))
    mia.client.say(mia.room, "Mein Fahrrad wurde gestohlen, was nun?")
    await gabi.join(mia.room, "Gabi")
    gabi.say(mia.room, "Hallo Mia, ich bin Gabi und helfe Ihnen gern.")
    await mia.client.wait_for(lambda: any(s.nick == "Gabi" for s in mia.client.room_messages))
    assert len(_from_assistant(mia)) == before  # a person has the chat: not a word


async def test_asking_for_a_person_in_words_hands_over_at_once(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    kim = await customer_in_chat("Kim")

    handover = await _ask(kim, "I would like to talk to a human, please.")

    assert "connecting you with a person" in handover.body
    await kim.client.wait_for(lambda: "waiting" in kim.client.statuses())


async def test_the_person_button_queues_the_chat_once_and_only_for_its_customer(
    stack: Stack,
    customer_in_chat: StartChat,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
) -> None:
    ria = await customer_in_chat("Ria")
    path = f"/api/chats/{ria.chat['id']}/handover"
    stranger = make_guest("Stranger")
    sam = make_supporter("Sam")
    assert call(stack, "GET", path, sam).json() == {
        "detail": "the assistant did not hand this chat over"
    }

    assert call(stack, "POST", path, stranger).status_code == 404
    first = call(stack, "POST", path, ria.person)
    again = call(stack, "POST", path, ria.person)

    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == again.json()["status"] == "waiting"
    assert call(stack, "GET", path, sam).json() == {
        "reason": "asked_for_person",
        "summary": "The customer asked for a person.",
    }
    assert call(stack, "GET", path, ria.person).status_code == 403
    await ria.client.wait_for(lambda: "waiting" in ria.client.statuses())
    await eventually(lambda: True if ria.client.statuses().count("waiting") == 1 else None)
    assert _post_without_token(stack, path) == 401


async def test_a_supporter_hands_the_chat_back_and_the_assistant_answers_again(
    stack: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    wes_person = make_supporter("Wes")
    wes = await connect(wes_person)
    tom = await customer_in_chat("Tom")
    assert call(stack, "POST", f"/api/chats/{tom.chat['id']}/handover", tom.person).is_success
    assert call(stack, "POST", f"/api/chats/{tom.chat['id']}/take", wes_person).is_success
    await tom.client.wait_for(lambda: "active" in tom.client.statuses())

    reply = await wes.reply_to(stack.settings.component_jid, "handback")

    assert reply == f"The assistant answers {tom.name} again."
    await tom.client.wait_for(lambda: tom.client.statuses()[-1:] == ["bot"])
    answer = await _ask(tom, "My bike was stolen, what do I do now?")
    assert "police" in answer.body.lower()


async def test_a_question_asked_while_the_assistant_was_killed_is_answered_once_it_is_back(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    ada = await customer_in_chat("Ada")
    stack.stop("bots", signal.SIGKILL)
    try:
        ada.client.say(ada.room, "Mein E-Bike ist weg, gestohlen! Was nun?")
        await eventually(lambda: ada.logged(stack, 2))  # the bridge logged it, nobody answered
    finally:
        stack.start("bots")

    await ada.client.wait_for(lambda: _from_assistant(ada), timeout=90)

    assert "Polizei" in _from_assistant(ada)[0].body
    await asyncio.sleep(2)
    assert len(_from_assistant(ada)) == 1


def _queue_notice(client: Client, customer_name: str) -> str | None:
    bodies: list[Any] = [m["body"] for m in client.direct if m["body"]]
    return next((b for b in bodies if b.startswith(f"New chat waiting: {customer_name}")), None)


def _post_without_token(stack: Stack, path: str) -> int:
    return httpx.post(f"{stack.api}{path}").status_code
