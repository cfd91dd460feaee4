"""All SQL of the chats domain: chats and the outbox of chat events for the bridge."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, insert, select, text, update
from sqlalchemy.orm import aliased

from bridge.chats.states import Status
from bridge.db import chat_events, chats, users

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
    query = _select_chats().order_by(chats.c.created_at, chats.c.id).limit(limit)
    if statuses:
        query = query.where(chats.c.status.in_([str(s) for s in statuses]))
    if customer_id is not None:
        query = query.where(chats.c.customer_id == customer_id)
    return [_chat(row._mapping) for row in conn.execute(query)]


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


def mark_event_done(conn: Connection, event_id: int) -> None:
    """Record that the bridge carried out an event."""
    conn.execute(update(chat_events).where(chat_events.c.id == event_id).values(done_at=func.now()))
