"""Two bots processes: each chat's assistant is one of them; a killed one's chats answered once."""

from __future__ import annotations

import signal
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable

from bots.instances.membership import owner
from bridge.accounts import bots
from tests.bots_shared.instances import bot_sessions, instance_in, live, process_of
from tests.conftest import InChat, eventually, report
from tests.fakes.openai_server import FakeOpenAI
from tests.faults.assistant.test_assistant_killed import ANSWER, QUESTION, answered_twice
from tests.stack import Stack

StartChat = Callable[..., Awaitable[InChat]]
CHATS = 4
NICK = "Assistant"


async def test_each_chat_has_one_assistant_and_a_killed_instances_chats_are_answered_once(
    two_instances: Stack, customer_in_chat: StartChat, llm_server: FakeOpenAI
) -> None:
    stack = two_instances
    llm_server.status = 200
    llm_server.answer_with(ANSWER)
    ids = await eventually(lambda: live(stack) if len(live(stack)) == 2 else None, 60)
    customers = [await customer_in_chat(f"Kunde{n}") for n in range(CHATS)]
    await eventually(lambda: all(_in(c) == _owner(c, ids) for c in customers) or None, 60)
    rooms = [customer.room for customer in customers]
    assert bot_sessions(stack, rooms, bots.ASSISTANT) == {
        customer.room: [_owner(customer, ids)] for customer in customers
    }

    shares = Counter(_owner(customer, ids) for customer in customers)
    victim = shares.most_common(1)[0][0]
    survivor = next(instance for instance in ids if instance != victim)
    stack.stop(process_of(stack, victim), signal.SIGKILL)
    killed = time.monotonic()
    for customer in customers:
        customer.client.say(customer.room, QUESTION)
    answered, answers = await answered_twice(customers, killed, timeout=60)
    line = (
        f"one of two bots instances SIGKILLed (assistant): {shares[victim]} of {CHATS} chats "
        f"were its; the question asked right after the kill was answered in every chat "
        f"{answered:.1f} s after it; answers per chat for two questions: {answers}"
    )
    print(line)
    report(line)
    assert answers == [2] * CHATS
    assert bot_sessions(stack, rooms, bots.ASSISTANT) == {room: [survivor] for room in rooms}


def _in(customer: InChat) -> str | None:
    return instance_in(customer.client, customer.room, NICK)


def _owner(customer: InChat, ids: tuple[str, ...]) -> str:
    found = owner(uuid.UUID(customer.chat["id"]), ids)
    assert found is not None
    return found
