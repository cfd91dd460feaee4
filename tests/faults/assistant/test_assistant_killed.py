"""The bots killed, or PostgreSQL restarted: the assistant answers what was asked meanwhile."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Awaitable, Callable

import pytest
from slixmpp import JID

from bridge.postgres import embedded_url, stop_embedded
from tests.conftest import InChat, eventually, report
from tests.fakes.openai_server import FakeOpenAI
from tests.stack import Stack
from tests.xmpp import Seen

StartChat = Callable[..., Awaitable[InChat]]
QUESTION = "Mein Fahrrad wurde gestohlen, was muss ich tun?"
AGAIN = "Und wo melde ich den Diebstahl?"
ANSWER = "Erstatten Sie innerhalb von 48 Stunden Anzeige bei der Polizei. [1]"


async def test_the_assistant_answers_a_question_asked_while_the_bots_were_killed(
    stack: Stack, customer_in_chat: StartChat, llm_server: FakeOpenAI
) -> None:
    llm_server.status = 200
    llm_server.answer_with(ANSWER)
    customers = [await customer_in_chat(f"Kundin{n}") for n in range(2)]
    await eventually(lambda: all(_assistant_in(c) for c in customers) or None, timeout=60)

    stack.stop("bots", signal.SIGKILL)
    for customer in customers:
        customer.client.say(customer.room, QUESTION)
    await asyncio.sleep(0.5)  # the supervisor's check interval
    restarted = time.monotonic()
    stack.start("bots")
    caught_up, answers = await answered_twice(customers, restarted, timeout=90)
    line = (
        f"bots SIGKILLed (assistant): the question asked while they were down was answered "
        f"{caught_up:.1f} s after the restart in {len(customers)} of {len(customers)} chats; "
        f"answers per chat for two questions: {answers}"
    )
    print(line)
    report(line)
    assert answers == [2] * len(customers)


async def test_the_assistant_answers_a_question_asked_while_postgres_was_down(
    stack: Stack, customer_in_chat: StartChat, llm_server: FakeOpenAI
) -> None:
    data_dir = stack.settings.data_dir
    if stack.settings.database_url != embedded_url(data_dir):
        pytest.skip("restarts only the embedded server")
    llm_server.status = 200
    llm_server.answer_with(ANSWER)
    customers = [await customer_in_chat(f"Kundin{n}") for n in range(2)]
    await eventually(lambda: all(_assistant_in(c) for c in customers) or None, timeout=60)

    await asyncio.to_thread(stop_embedded, data_dir)
    for customer in customers:
        customer.client.say(customer.room, QUESTION)
    await asyncio.sleep(2)
    await asyncio.to_thread(embedded_url, data_dir)
    back = time.monotonic()
    caught_up, answers = await answered_twice(customers, back, timeout=60)
    line = (
        f"PostgreSQL restarted (assistant): the question asked while it was down was answered "
        f"{caught_up:.1f} s after it was back in {len(customers)} of {len(customers)} chats; "
        f"answers per chat for two questions: {answers}"
    )
    print(line)
    report(line)
    assert answers == [2] * len(customers)
    stack.wait_ready()


def _assistant_in(customer: InChat) -> bool:
    roster = customer.client.plugin["xep_0045"].get_roster(JID(customer.room)) or []
    return "Assistant" in roster


async def answered_twice(
    customers: list[InChat], since: float, *, timeout: float
) -> tuple[float, list[int]]:
    """Seconds from `since` until QUESTION was answered in every chat; then AGAIN is asked.

    Returns those seconds and the answers per chat once both are answered and
    a doubled answer would have come.
    """
    await eventually(lambda: all(_answers(c) for c in customers) or None, timeout=timeout)
    seconds = time.monotonic() - since
    for customer in customers:
        customer.client.say(customer.room, AGAIN)
    await eventually(lambda: all(len(_answers(c)) == 2 for c in customers) or None, timeout=60)
    await asyncio.sleep(2)  # a doubled answer would come now
    return seconds, [len(_answers(c)) for c in customers]


def _answers(customer: InChat) -> list[Seen]:
    """The assistant's final answers (the message that names its source) in the chat."""
    return [
        seen
        for seen in customer.client.room_messages
        if seen.nick == "Assistant" and seen.origin_id.startswith("answer-")
    ]
