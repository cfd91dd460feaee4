"""The bots' accounts: they log in with their generated password, are invited to taken chats."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from slixmpp.exceptions import PresenceError
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from tests.conftest import InChat, Person, call, eventually
from tests.stack import Stack
from tests.xmpp import Client

StartChat = Callable[..., Awaitable[InChat]]


def _bot(stack: Stack, password: str | None = None) -> Client:
    jid = f"suggest@{stack.settings.xmpp_domain}"
    return Client(jid, stack.settings.bot_password if password is None else password)


async def test_the_suggest_bot_is_invited_to_a_taken_chat_and_may_enter(
    stack: Stack, customer_in_chat: StartChat, make_supporter: Callable[..., Person]
) -> None:
    bot = _bot(stack)
    invitations: list[Any] = []
    bot.register_handler(
        Callback(
            "invitation",
            MatchXPath("{jabber:client}message/{jabber:x:conference}x"),
            lambda message: invitations.append(message.xml.find("{jabber:x:conference}x")),
        )
    )
    await bot.login(stack.settings.xmpp_port)
    try:
        ria = await customer_in_chat("Ria")
        with pytest.raises(PresenceError):  # not before a supporter has the chat
            await bot.join(ria.room, "suggest")
        assert call(stack, "POST", f"/api/chats/{ria.chat['id']}/take", make_supporter()).is_success
        invited = await eventually(
            lambda: next((i for i in invitations if i.get("jid") == ria.room), None)
        )
        assert ria.name in invited.get("reason")
        await bot.join(ria.room, "suggest")
    finally:
        await bot.logout()


async def test_a_wrong_bot_password_is_refused(stack: Stack) -> None:
    with pytest.raises(PermissionError):
        await _bot(stack, "not-the-bot-password").login(stack.settings.xmpp_port)


@pytest.mark.parametrize("username", ["suggest", "Assistant"])
def test_no_one_can_take_a_bots_name(
    stack: Stack, make_supporter: Callable[..., Person], username: str
) -> None:
    admin = make_supporter("Ada", role="admin")
    body = {"email": f"{username}@example.com", "role": "supporter", "password": "long enough"}
    answer = call(stack, "POST", "/api/admin/users", admin, json={**body, "username": username})
    assert answer.status_code == 422
    assert "reserved" in answer.json()["detail"]
