"""A customer and supporters chat through the bridge: queue, take, statuses, end, log."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from tests.conftest import InChat, Person, eventually, logged_messages, open_chat
from tests.stack import Stack
from tests.xmpp import Client, list_number

Connect = Callable[[Person], Awaitable[Client]]
StartChat = Callable[..., Awaitable[InChat]]


async def test_supporter_takes_chat_from_queue_and_customer_sees_statuses(
    stack: Stack,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    support = stack.settings.component_jid
    sam = await connect(make_supporter("Sam"))
    name = f"Anna {uuid.uuid4().hex[:4]}"
    anna = make_guest(name)
    chat = open_chat(stack, anna, "Frame broken")
    customer = await connect(anna)
    await customer.join(chat["room_jid"], name)
    await sam.wait_for(lambda: any(name in (m["body"] or "") for m in sam.direct))

    listing = await sam.reply_to(support, "list")
    assert "Frame broken" in listing
    taken = await sam.reply_to(support, f"take {list_number(listing, name)}")
    assert f"You have the chat with {name}" in taken
    await customer.wait_for(lambda: "active" in customer.statuses())
    await sam.join(chat["room_jid"], "Sam")

    customer.say(chat["room_jid"], "Hello, my frame is cracked")
    await sam.wait_for(
        lambda: any(m.body == "Hello, my frame is cracked" for m in sam.room_messages)
    )
    sam.say(chat["room_jid"], "Sorry to hear! Which bike is it?")
    await customer.wait_for(lambda: any(m.nick == "Sam" for m in customer.room_messages))

    ended = await sam.reply_to(support, "end")
    assert "has ended" in ended
    await customer.wait_for(lambda: "ended" in customer.statuses())
    assert [m.body for m in customer.room_messages if m.status] == [
        "Chat active",
        "Chat was ended by the supporter",
    ]

    rows = await eventually(lambda: logged_messages(stack, chat["id"], anna.token, 5))
    assert [r["kind"] for r in rows] == ["system", "system", "customer", "supporter", "system"]
    assert rows[2]["body"] == "Hello, my frame is cracked"


async def test_long_and_html_messages_are_logged_as_sent(
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
