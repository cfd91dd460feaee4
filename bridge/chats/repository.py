"""All SQL of the chats domain: chats and the outbox of chat events for the bridge."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Select, func, insert, select, text, true, update
from sqlalchemy.orm import aliased

from bridge.chats.states import Status
from bridge.db import chat_events, chats, messages, users
from bridge.messages.crypto import MessageCipher
from bridge.messages.repository import opened

EVENTS_CHANNEL = "chat_events"


@dataclass(frozen=True)
class Chat:
    """A chat with the names of its customer and assignee."""

    id: uuid.UUID
    room_jid: str
    customer_id: uuid.UUID
    assignee_id: uuid.UUID | None
    status: Status
    subject: str
    room_ready: bool
    log_cursor: str | None
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    customer_name: str
    assignee_name: str | None

    @property
    def waiting_since(self) -> datetime | None:
        """When a waiting chat joined the queue, None for a chat that is not waiting.

        Status changes stamp `updated_at`, and nothing else changes a waiting chat but its
        room becoming ready right after it was opened.
        """
        return self.updated_at if self.status is Status.WAITING else None


@dataclass(frozen=True)
class LastMessage:
    """The latest customer or supporter message of a chat (the bridge's notices left out)."""

    sender_name: str
    kind: str
    body: str
    readable: bool
    created_at: datetime


@dataclass(frozen=True)
class ChatSummary:
    """A chat as the lists show it: with its latest message."""

    chat: Chat
    last_message: LastMessage | None


class Order(StrEnum):
    """How chat lists are sorted."""

    OLDEST = "oldest"  # opened first, first (the queue's order)
    RECENT = "recent"  # changed last, first (status, assignee): e.g. the latest ended chats


@dataclass(frozen=True)
class ChatEvent:
    """A committed change of a chat that the bridge still has to carry out in XMPP."""

    id: int
    chat_id: uuid.UUID
    kind: str
    payload: dict[str, Any]


_customer = aliased(users)
_assignee = aliased(users)


def _select_chats() -> Select[Any]:
    return (
        select(
            chats,
            _customer.c.display_name.label("customer_name"),
            _assignee.c.display_name.label("assignee_name"),
        )
        .join(_customer, _customer.c.id == chats.c.customer_id)
        .outerjoin(_assignee, _assignee.c.id == chats.c.assignee_id)
    )


def _chat(mapping: Any) -> Chat:
    values = dict(mapping)
    values["status"] = Status(values["status"])
    return Chat(**values)


def insert_chat(
    conn: Connection, *, room_service: str, customer_id: uuid.UUID, status: Status, subject: str
) -> uuid.UUID:
    """Insert a chat and return its id; its room is `chat-<id>@<room_service>`."""
    chat_id = uuid.uuid4()
    conn.execute(
        insert(chats).values(
            id=chat_id,
            room_jid=f"chat-{chat_id}@{room_service}",
            customer_id=customer_id,
            status=status,
            subject=subject,
        )
    )
    return chat_id


def get(conn: Connection, chat_id: uuid.UUID, *, for_update: bool = False) -> Chat | None:
    """Return a chat; `for_update` locks its row until the transaction ends."""
    query = _select_chats().where(chats.c.id == chat_id)
    if for_update:
        query = query.with_for_update(of=chats)
    row = conn.execute(query).first()
    return None if row is None else _chat(row._mapping)


def list_chats(
    conn: Connection,
    *,
    statuses: tuple[Status, ...] | None = None,
    customer_id: uuid.UUID | None = None,
    limit: int = 200,
) -> list[Chat]:
    """Return chats, oldest first, filtered by status and customer."""
    query = _filtered(
        _select_chats(), statuses=statuses, customer_id=customer_id, order=Order.OLDEST
    )
    return [_chat(row._mapping) for row in conn.execute(query.limit(limit))]


def list_summaries(
    conn: Connection,
    cipher: MessageCipher,
    *,
    statuses: tuple[Status, ...] | None = None,
    customer_id: uuid.UUID | None = None,
    order: Order = Order.OLDEST,
    limit: int = 200,
) -> list[ChatSummary]:
    """Return chats with their latest message, filtered by status and customer, in one query."""
    query = _filtered(_select_summaries(), statuses=statuses, customer_id=customer_id, order=order)
    return [_summary(row._mapping, cipher) for row in conn.execute(query.limit(limit))]


def get_summary(conn: Connection, chat_id: uuid.UUID, cipher: MessageCipher) -> ChatSummary | None:
    """Return one chat with its latest message."""
    row = conn.execute(_select_summaries().where(chats.c.id == chat_id)).first()
    return None if row is None else _summary(row._mapping, cipher)


def _filtered(
    query: Select[Any],
    *,
    statuses: tuple[Status, ...] | None,
    customer_id: uuid.UUID | None,
    order: Order,
) -> Select[Any]:
    if statuses:
        query = query.where(chats.c.status.in_([str(s) for s in statuses]))
    if customer_id is not None:
        query = query.where(chats.c.customer_id == customer_id)
    if order is Order.RECENT:
        return query.order_by(chats.c.updated_at.desc(), chats.c.id.desc())
    return query.order_by(chats.c.created_at, chats.c.id)


# What the log keeps of a chat's latest message, as `last_<column>` next to the chat's columns.
_LAST_COLUMNS = (
    messages.c.chat_id,
    messages.c.stanza_id,
    messages.c.sender_name,
    messages.c.kind,
    messages.c.body_ciphertext,
    messages.c.nonce,
    messages.c.key_id,
    messages.c.created_at,
)


def _select_summaries() -> Select[Any]:
    # Per chat, one backward step on the log's (chat_id, created_at, id) index.
    last = (
        select(*_LAST_COLUMNS)
        .where(messages.c.chat_id == chats.c.id, messages.c.kind != "system")
        .order_by(messages.c.created_at.desc(), messages.c.id.desc())
        .limit(1)
        .lateral("last_message")
    )
    return (
        _select_chats()
        .add_columns(
            *(last.c[column.name].label(f"last_{column.name}") for column in _LAST_COLUMNS)
        )
        .outerjoin(last, true())
    )


def _summary(mapping: Any, cipher: MessageCipher) -> ChatSummary:
    values = dict(mapping)
    last = {column.name: values.pop(f"last_{column.name}") for column in _LAST_COLUMNS}
    chat = _chat(values)
    if last["stanza_id"] is None:
        return ChatSummary(chat, None)
    message = opened(last, cipher)
    return ChatSummary(
        chat,
        LastMessage(
            sender_name=message["sender_name"],
            kind=message["kind"],
            body=message["body"],
            readable=message["readable"],
            created_at=message["created_at"],
        ),
    )


def update_chat(conn: Connection, chat_id: uuid.UUID, **values: object) -> None:
    """Change columns of a chat and stamp `updated_at`."""
    conn.execute(update(chats).where(chats.c.id == chat_id).values(**values, updated_at=func.now()))


def add_event(conn: Connection, chat_id: uuid.UUID, kind: str, **payload: object) -> None:
    """Queue an event for the bridge; it is woken when the transaction commits."""
    conn.execute(insert(chat_events).values(chat_id=chat_id, kind=kind, payload=payload))
    conn.execute(
        text("SELECT pg_notify(:channel, :chat)"),
        {"channel": EVENTS_CHANNEL, "chat": json.dumps(str(chat_id))},
    )


def pending_events(conn: Connection, *, limit: int = 100) -> list[ChatEvent]:
    """Return events not yet carried out, in the order they were committed."""
    query = (
        select(chat_events.c.id, chat_events.c.chat_id, chat_events.c.kind, chat_events.c.payload)
        .where(chat_events.c.done_at.is_(None))
        .order_by(chat_events.c.id)
        .limit(limit)
    )
    return [ChatEvent(**row._mapping) for row in conn.execute(query)]


def latest_event(conn: Connection, chat_id: uuid.UUID, kind: str) -> ChatEvent | None:
    """The chat's latest event of this kind, carried out or not."""
    query = (
        select(chat_events.c.id, chat_events.c.chat_id, chat_events.c.kind, chat_events.c.payload)
        .where(chat_events.c.chat_id == chat_id, chat_events.c.kind == kind)
        .order_by(chat_events.c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return None if row is None else ChatEvent(**row._mapping)


def mark_event_done(conn: Connection, event_id: int) -> None:
    """Record that the bridge carried out an event."""
    conn.execute(update(chat_events).where(chat_events.c.id == event_id).values(done_at=func.now()))
