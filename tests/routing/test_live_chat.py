"""A customer and supporters chat through the bridge: queue, take, statuses, end, log."""

from __future__ import annotations

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
