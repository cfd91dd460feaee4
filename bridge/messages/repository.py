"""All SQL of the message log."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert

from bridge.db import chats, messages


@dataclass(frozen=True)
class LoggedMessage:
    """A room message as the log keeps it."""

    chat_id: uuid.UUID
    stanza_id: str
    origin_id: str | None
    sender: str
    sender_name: str
    kind: str
    body: str
    created_at: datetime


def insert_many(conn: Connection, rows: list[LoggedMessage]) -> int:
    """Log messages, skipping any already logged (same stanza-id, or sender + origin-id)."""
    if not rows:
        return 0
    result = conn.execute(
        insert(messages).values([asdict(row) for row in rows]).on_conflict_do_nothing()
    )
    return int(result.rowcount)


def record(conn: Connection, rows: list[LoggedMessage], cursors: dict[uuid.UUID, str]) -> int:
    """Log messages and move each chat's completeness cursor, in one transaction."""
    inserted = insert_many(conn, rows)
    for chat_id, stanza_id in cursors.items():
        set_cursor(conn, chat_id, stanza_id)
    return inserted


def set_cursor(conn: Connection, chat_id: uuid.UUID, stanza_id: str) -> None:
    """Record that the log of a chat is complete up to this stanza-id."""
    conn.execute(update(chats).where(chats.c.id == chat_id).values(log_cursor=stanza_id))


def list_for_chat(
    conn: Connection, chat_id: uuid.UUID, *, limit: int = 500
) -> list[dict[str, object]]:
    """Return a chat's logged messages in order."""
    query = (
        select(messages)
        .where(messages.c.chat_id == chat_id)
        .order_by(messages.c.created_at, messages.c.id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
