"""Render supporters' commands as XEP-0050 ad-hoc commands (Gajim's and Dino's command menu)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from slixmpp import JID
from slixmpp.exceptions import XMPPError

from bridge.accounts.repository import User
from bridge.chats.repository import Chat
from bridge.routing.commands import (
    ACTION_ERRORS,
    ChatAction,
    Command,
    FormCommand,
    Listing,
    named,
    numbered,
)
from bridge.routing.rooms import xml_text

Session = dict[str, Any]
T = TypeVar("T", User, Chat)
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
        if isinstance(command, FormCommand):
            return _ask_fields(xmpp, command, supporter, session)
        assert isinstance(command, ChatAction)
        return await _offer_choices(xmpp, command, supporter, session)

    return start


def _ask_fields(xmpp: Any, command: FormCommand, supporter: User, session: Session) -> Session:
    form = xmpp.plugin["xep_0004"].make_form("form", command.title)
    for name, label in command.fields:
        form.add_field(var=name, ftype="text-single", label=label)

    async def submit(payload: Any, session: Session) -> Session:
        values = {name: str(payload.get_values().get(name) or "") for name, _ in command.fields}
        return _done(session, (await command.run(supporter, values)).as_text())

    session.update(payload=form, next=submit, has_next=False, allow_complete=True)
    return session


async def _offer_choices(
    xmpp: Any, command: ChatAction, supporter: User, session: Session
) -> Session:
    choices = await command.choices(supporter)
    if not choices:
        return _done(session, command.nothing_to_choose)
    form = xmpp.plugin["xep_0004"].make_form("form", command.title)
    chats = _add_choice(form, "chat", "Chat", numbered(choices), choices)
    colleagues: dict[str, User] = {}
    if command.needs_colleague:
        team = await command.colleagues(supporter)
        colleagues = _add_choice(form, "colleague", "Hand to", named(team), team)

    async def submit(payload: Any, session: Session) -> Session:
        values = payload.get_values()
        chosen = chats.get(str(values.get("chat", "")))
        colleague = colleagues.get(str(values.get("colleague", "")))
        if chosen is None or (command.needs_colleague and colleague is None):
            raise XMPPError("bad-request", "Pick one of the offered choices.")
        try:
            return _done(session, await command.act(supporter, chosen, colleague))
        except ACTION_ERRORS as error:
            return _done(session, f"Could not {command.name} that chat: {error}", "error")

    session.update(payload=form, next=submit, has_next=False, allow_complete=True)
    return session


def _add_choice(form: Any, var: str, label: str, lines: list[str], items: list[T]) -> dict[str, T]:
    """Add a list-single field offering `items` (labelled by `lines`); return them by value."""
    by_id = {str(item.id): item for item in items}
    form.add_field(
        var=var,
        ftype="list-single",
        label=label,
        required=True,
        options=[
            {"label": xml_text(line), "value": value}
            for line, value in zip(lines, by_id, strict=True)
        ],
        value=next(iter(by_id), ""),
    )
    return by_id


def _done(session: Session, text: str, level: str = "info") -> Session:
    session.update(payload=None, next=None, has_next=False, notes=[(level, xml_text(text))])
    return session
