"""Access attacks: someone else's chat, room or commands; each refused, named after the attack."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from slixmpp import JID
from slixmpp.exceptions import IqError, PresenceError

from tests.conftest import Person, call, open_chat
from tests.stack import Stack
from tests.xmpp import Client

Connect = Callable[[Person], Awaitable[Client]]


def test_reading_another_customers_chat_is_refused(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    mia, noah = make_guest("Mia"), make_guest("Noah")
    chat = open_chat(stack, mia, "Invoice question")
    assert chat["status"] == "waiting"
    assert chat["room_jid"] == f"chat-{chat['id']}@{stack.settings.muc_service}"
    assert chat["customer"]["display_name"] == "Mia"
    assert [c["id"] for c in call(stack, "GET", "/api/chats", mia).json()] == [chat["id"]]
    assert call(stack, "GET", "/api/chats", noah).json() == []
    for path in (f"/api/chats/{chat['id']}", f"/api/chats/{chat['id']}/messages"):
        answer = call(stack, "GET", path, noah)
        assert answer.status_code == 404
        assert answer.json()["detail"] == "no such chat"


def test_customer_acting_as_supporter_is_refused(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    mia, sam = make_guest("Mia"), make_supporter("Sam")
    chat = open_chat(stack, mia)
    for action in ("take", "end"):
        answer = call(stack, "POST", f"/api/chats/{chat['id']}/{action}", mia)
        assert answer.status_code == 403
    assert call(stack, "POST", "/api/chats", sam, json={}).status_code == 403


async def test_joining_another_customers_room_is_refused(
    stack: Stack, make_guest: Callable[[str], Person], connect: Connect
) -> None:
    chat = open_chat(stack, make_guest("Mia"))
    intruder = await connect(make_guest("Eve"))
    with pytest.raises(PresenceError):
        await intruder.join(chat["room_jid"], "Eve")


async def test_customer_commanding_the_bridge_by_chat_is_refused(
    stack: Stack, make_guest: Callable[[str], Person], connect: Connect
) -> None:
    mia = await connect(make_guest("Mia"))
    answer = await mia.reply_to(stack.settings.component_jid, "list")
    assert answer == "Only supporters can use these commands."


async def test_customer_running_adhoc_commands_is_refused(
    stack: Stack, make_guest: Callable[[str], Person], connect: Connect
) -> None:
    mia = await connect(make_guest("Mia"))
    with pytest.raises(IqError) as refused:
        adhoc: Any = mia.plugin["xep_0050"]
        await adhoc.send_command(JID(stack.settings.component_jid), "list")
    assert refused.value.condition == "forbidden"
