"""Render supporters' commands as XEP-0050 ad-hoc commands (Gajim's and Dino's command menu)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slixmpp import JID
from slixmpp.exceptions import XMPPError

from bridge.accounts.repository import User
from bridge.chats.service import ChatNotFound
from bridge.chats.states import InvalidTransition
from bridge.routing.commands import ChatAction, Command, Listing, numbered

Session = dict[str, Any]
Identify = Callable[[JID], Awaitable[User | None]]


def register(xmpp: Any, commands: dict[str, Command], identify: Identify) -> None:
    """Offer every command at the component's address."""
    for command in commands.values():
        xmpp.plugin["xep_0050"].add_command(
            jid=xmpp.boundjid.bare,
            node=command.name,
            name=command.title,
            handler=_starter(xmpp, command, identify),
        )


def _starter(
    xmpp: Any, command: Command, identify: Identify
) -> Callable[[Any, Session], Awaitable[Session]]:
    async def start(iq: Any, session: Session) -> Session:
        supporter = await identify(iq["from"])
        if supporter is None:
            raise XMPPError("forbidden", "Only supporters can use these commands.")
        if isinstance(command, Listing):
            return _done(session, (await command.run(supporter)).as_text())
        assert isinstance(command, ChatAction)
        return await _offer_choices(xmpp, command, supporter, session)

    return start


async def _offer_choices(
    xmpp: Any, command: ChatAction, supporter: User, session: Session
) -> Session:
    choices = await command.choices(supporter)
    if not choices:
        return _done(session, command.nothing_to_choose)
    form = xmpp.plugin["xep_0004"].make_form("form", command.title)
    form.add_field(
        var="chat",
        ftype="list-single",
        label="Chat",
        required=True,
        options=[
            {"label": line, "value": str(chat.id)}
            for line, chat in zip(numbered(choices), choices, strict=True)
        ],
        value=str(choices[0].id),
    )
    by_id = {str(chat.id): chat for chat in choices}

    async def submit(payload: Any, session: Session) -> Session:
        chosen = by_id.get(str(payload.get_values().get("chat", "")))
        if chosen is None:
            raise XMPPError("bad-request", "Pick one of the offered chats.")
        try:
            return _done(session, await command.act(supporter, chosen))
        except (ChatNotFound, InvalidTransition) as error:
            return _done(session, f"Could not {command.name} that chat: {error}", "error")

    session.update(payload=form, next=submit, has_next=False, allow_complete=True)
    return session


def _done(session: Session, text: str, level: str = "info") -> Session:
    session.update(payload=None, next=None, has_next=False, notes=[(level, text)])
    return session
