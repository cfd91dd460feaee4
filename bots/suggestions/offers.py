"""Suggestions offered to a supporter in a chat, and what they do with them.

An offer is three suggestions, remembered (each with an id) so the supporter can
send one by number or id, edit it first, or rate it. Sending goes through the
chat's outbox: the bridge posts the reply in the room under the supporter's name.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from bots.suggestions import repository
from bots.suggestions.placeholders import fill
from bots.suggestions.repository import Handled, Shown
from bots.suggestions.suggester import Suggestions
from bridge.accounts.repository import User
from bridge.chats import repository as chats
from bridge.chats import service as chat_service
from bridge.messages import repository as messages
from bridge.messages.crypto import MessageCipher

NOT_HANDLED = Handled()
HOW_TO = "— reply 1-3 to send, e.g. 2+ / 2- to rate"
UNSURE = "(Not sure about this one: the most used answers fill the other places.)"


class SuggestionNotFound(LookupError):
    """No such suggestion was shown to this supporter."""


class ValuesMissing(ValueError):
    """The suggestion has placeholders the chat cannot fill: the supporter must give them."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        named = ", ".join("{{" + name + "}}" for name in self.missing)
        super().__init__(f"fill in {named} first")


@dataclass(frozen=True)
class Offered:
    """One suggestion as the supporter sees it: filled as far as the chat knows."""

    id: int
    rank: int
    text: str
    missing: tuple[str, ...]
    fallback: bool = False  # a most used module standing in for an unsure pick
    handled: Handled = NOT_HANDLED


@dataclass(frozen=True)
class Offer:
    """Three suggestions for a supporter in a chat, best first."""

    chat_id: uuid.UUID
    items: tuple[Offered, ...]

    @property
    def fallback(self) -> bool:
        """Whether the model was unsure about at least one of the three."""
        return any(item.fallback for item in self.items)

    def body(self) -> str:
        """The plain text any desktop client shows."""
        lines = [f"{item.rank}) {item.text}" for item in self.items]
        if self.fallback:
            lines.append(UNSURE)
        return "\n".join([*lines, HOW_TO])


@dataclass(frozen=True)
class ChatKnowledge:
    """What placeholders can be filled from: the customer's name and what they wrote."""

    customer_name: str
    customer_said: tuple[str, ...]


def knowledge(conn: Connection, cipher: MessageCipher, chat_id: uuid.UUID) -> ChatKnowledge:
    """What the chat's log tells about the customer."""
    chat = chats.get(conn, chat_id)
    said = tuple(
        str(row["body"])
        for row in messages.list_for_chat(conn, chat_id, cipher)
        if row["kind"] == "customer" and row["readable"]
    )
    return ChatKnowledge(chat.customer_name if chat else "", said)


def offer(
    conn: Connection,
    suggestions: Suggestions,
    *,
    chat_id: uuid.UUID,
    supporter_id: uuid.UUID,
    known: ChatKnowledge,
) -> Offer:
    """Remember the three suggestions shown to the supporter and return them filled."""
    shown = repository.record_shown(
        conn,
        chat_id=chat_id,
        supporter_id=supporter_id,
        modules=[(item.module_id, item.fallback) for item in suggestions.items],
        question_cluster=suggestions.cluster,
    )
    return Offer(chat_id, tuple(_offered(item, known) for item in shown))


def latest(
    conn: Connection, cipher: MessageCipher, *, chat_id: uuid.UUID, supporter: User
) -> Offer | None:
    """The supporter's latest offer in the chat, filled with what the chat knows now."""
    shown = repository.latest_shown(conn, chat_id=chat_id, supporter_id=supporter.id)
    if not shown:
        return None
    known = knowledge(conn, cipher, chat_id)
    items = (_offered(item, known, handled=repository.handled(conn, item)) for item in shown)
    return Offer(chat_id, tuple(items))


def send(
    conn: Connection,
    cipher: MessageCipher,
    *,
    suggestion_id: int,
    supporter: User,
    values: Sequence[str] = (),
    edited: str | None = None,
) -> str:
    """Send the suggestion (filled, or as the supporter edited it) to the customer."""
    shown = _own(conn, suggestion_id, supporter)
    if edited is None:
        filled = _offered(shown, knowledge(conn, cipher, shown.chat_id), values)
        if filled.missing:
            raise ValuesMissing(filled.missing)
        text, action, sealed = filled.text, "chosen", None
    else:
        text, action = edited, "edited"
        sealed = cipher.seal(edited, chat_id=shown.chat_id, message_id=f"edited-{shown.id}")
    reply_id = chat_service.reply_for(
        conn, cipher, chat_id=shown.chat_id, supporter=supporter, text=text
    )
    repository.record_action(conn, shown, action, sealed)
    return reply_id


def rate(conn: Connection, *, suggestion_id: int, supporter: User, rating: str | None) -> None:
    """Thumbs "up" or "down" for a shown suggestion, or None to take the rating back."""
    shown = _own(conn, suggestion_id, supporter)
    repository.record_action(conn, shown, rating or "unrated")


def _own(conn: Connection, suggestion_id: int, supporter: User) -> Shown:
    shown = repository.get_shown(conn, suggestion_id)
    if shown is None or shown.supporter_id != supporter.id:
        raise SuggestionNotFound("no such suggestion was shown to you")
    return shown


def _offered(
    shown: Shown, known: ChatKnowledge, values: Sequence[str] = (), handled: Handled = NOT_HANDLED
) -> Offered:
    filled = fill(
        shown.module_text,
        customer_name=known.customer_name,
        customer_said=known.customer_said,
        given=values,
    )
    return Offered(shown.id, shown.rank, filled.text, filled.missing, shown.fallback, handled)
