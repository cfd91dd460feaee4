"""Fixtures of the fault tests: chats in full swing, and a chat waiting in the queue.

The faults hit the session's real stack (PostgreSQL, ejabberd, api, bridge), and
each test leaves it running again, as the other integration tests expect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.conftest import InChat, Person, call
from tests.faults.load import Pair, Side
from tests.stack import Stack
from tests.suggestions.conftest import suggesting
from tests.xmpp import Client, list_number

Connect = Callable[[Person], Awaitable[Client]]
StartChat = Callable[..., Awaitable[InChat]]
OpenPairs = Callable[[int], Awaitable[list[Pair]]]

__all__ = ["suggesting"]  # the bots test reuses the suggestions tests' trained stack


@pytest.fixture
def open_pairs(
    stack: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> OpenPairs:
    """Open chats whose supporter took them; customer and supporter are both in the room."""

    async def open_one(number: int) -> Pair:
        customer = await customer_in_chat(f"Kunde{number}")
        person = make_supporter(f"Agent{number}")
        supporter = await connect(person)
        assert call(stack, "POST", f"/api/chats/{customer.chat['id']}/take", person).is_success
        await customer.client.wait_for(lambda: "active" in customer.client.statuses())
        await supporter.join(customer.room, person.name)
        return Pair(
            customer.chat["id"],
            customer.room,
            Side(customer.client, customer.name, supporter),
            Side(supporter, person.name, customer.client),
        )

    async def open_all(count: int) -> list[Pair]:
        return [await open_one(number) for number in range(count)]

    return open_all


async def offered_to_supporters(
    stack: Stack, waiting: InChat, make_supporter: Callable[..., Person], connect: Connect
) -> str:
    """A supporter finds the waiting chat in `list` and takes it; the customer sees it active.

    Returns the line `list` showed for it.
    """
    support = stack.settings.component_jid
    supporter = await connect(make_supporter("Wendy"))
    listing = await supporter.reply_to(support, "list", timeout=20)
    number = list_number(listing, waiting.name)
    await supporter.reply_to(support, f"take {number}", timeout=20)
    await waiting.client.wait_for(lambda: "active" in waiting.client.statuses(), timeout=20)
    return next(line for line in listing.splitlines() if waiting.name in line)
