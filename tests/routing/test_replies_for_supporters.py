"""A reply a supporter picks outside the room is posted under their name, sealed on its way."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest

from bridge.chats import service
from tests.conftest import InChat, Person, call, eventually, reply_for
from tests.stack import Stack, pg_dump

StartChat = Callable[..., Awaitable[InChat]]


async def test_the_customer_sees_the_reply_from_the_supporter_and_the_log_files_it_so(
    stack: Stack, customer_in_chat: StartChat, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    ria = await customer_in_chat("Ria")
    assert call(stack, "POST", f"/api/chats/{ria.chat['id']}/take", sam).is_success
    text = f"Your bike {uuid.uuid4().hex[:6]} is insured against theft."
    reply_for(stack, ria.chat["id"], sam, text)

    await ria.client.wait_for(lambda: any(m.body == text for m in ria.client.room_messages))
    rows = await eventually(lambda: ria.logged(stack, 3))
    [logged] = [row for row in rows if row["body"] == text]
    assert (logged["kind"], logged["sender_name"]) == ("supporter", "Sam")
    url = stack.settings.database_url
    assert url is not None and text not in pg_dump(url)


async def test_only_the_supporter_holding_the_chat_can_reply_in_it(
    stack: Stack, customer_in_chat: StartChat, make_supporter: Callable[..., Person]
) -> None:
    ria = await customer_in_chat("Ria")
    with pytest.raises(service.ReplyRefused):  # still waiting: nobody holds it
        reply_for(stack, ria.chat["id"], make_supporter("Sam"), "hello")
    ben = make_supporter("Ben")
    assert call(stack, "POST", f"/api/chats/{ria.chat['id']}/take", ben).is_success
    with pytest.raises(service.ReplyRefused):
        reply_for(stack, ria.chat["id"], make_supporter("Sam"), "hello")
