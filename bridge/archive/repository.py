"""All SQL of the archive: reading a chat out of the live database, storing it in the archive."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as upsert

from bots.assistant import repository as decisions
from bots.assistant.repository import ChatRating
from bridge.archive.tables import archived_chats, archived_messages, archived_ratings
from bridge.chats import repository as chats
from bridge.chats.states import Status
from bridge.db import chat_events, invitations, messages
from bridge.db import chats as chat_table
from bridge.messages import repository as live_messages
from bridge.messages.crypto import MessageCipher


@dataclass
class ChatRecord:
    """A chat with its messages in plaintext and its answer ratings, on its way into the archive."""

    id: uuid.UUID
    customer_id: uuid.UUID | None
    customer_name: str
    assignee_name: str | None
    subject: str
    created_at: datetime
    ended_at: datetime
    room_jid: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[ChatRating] = field(default_factory=list)


def ended_before(conn: Connection, cutoff: datetime, *, limit: int) -> list[uuid.UUID]:
    """Ended live chats older than the cut-off, oldest first."""
    query = (
        select(chat_table.c.id)
        .where(chat_table.c.status == Status.ENDED, chat_table.c.ended_at < cutoff)
        .order_by(chat_table.c.ended_at)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def read_live(conn: Connection, chat_id: uuid.UUID, cipher: MessageCipher) -> ChatRecord | None:
    """A live chat and its messages, decrypted."""
    chat = chats.get(conn, chat_id)
    if chat is None or chat.ended_at is None:
        return None
    rows = live_messages.list_for_chat(conn, chat_id, cipher, limit=1_000_000)
    return ChatRecord(
        chat.id,
        chat.customer_id,
        chat.customer_name,
        chat.assignee_name,
        chat.subject,
        chat.created_at,
        chat.ended_at,
        chat.room_jid,
        [row for row in rows if row.pop("readable")],
        decisions.chat_ratings(conn, chat_id),
    )


def store(conn: Connection, record: ChatRecord, cipher: MessageCipher) -> None:
    """Put a chat into the archive; storing it again changes nothing."""
    conn.execute(
        upsert(archived_chats)
        .values(
            id=record.id,
            customer_id=record.customer_id,
            customer_name=record.customer_name,
            assignee_name=record.assignee_name,
            subject=record.subject,
            created_at=record.created_at,
            ended_at=record.ended_at,
        )
        .on_conflict_do_nothing()
    )
    rows = [_sealed(record.id, message, cipher) for message in record.messages]
    if rows:
        conn.execute(upsert(archived_messages).values(rows).on_conflict_do_nothing())
    if record.ratings:
        conn.execute(
            upsert(archived_ratings)
            .values([{"chat_id": record.id, **asdict(rated)} for rated in record.ratings])
            .on_conflict_do_nothing()
        )


def delete_live(conn: Connection, chat_id: uuid.UUID) -> None:
    """Remove an archived chat and everything hanging on it from the live database."""
    for table in (messages, chat_events, invitations):
        conn.execute(delete(table).where(table.c.chat_id == chat_id))
    conn.execute(delete(chat_table).where(chat_table.c.id == chat_id))


def search(conn: Connection, text: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Archived chats whose customer name or subject contains the text, newest first."""
    query = select(archived_chats).order_by(archived_chats.c.ended_at.desc()).limit(limit)
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                archived_chats.c.customer_name.ilike(pattern),
                archived_chats.c.subject.ilike(pattern),
            )
        )
    return [dict(row._mapping) for row in conn.execute(query)]


def read(
    conn: Connection, chat_id: uuid.UUID, cipher: MessageCipher
) -> list[dict[str, Any]] | None:
    """An archived chat's messages in order, decrypted (None if there is no such chat)."""
    if (
        conn.execute(select(archived_chats.c.id).where(archived_chats.c.id == chat_id)).first()
        is None
    ):
        return None
    query = (
        select(archived_messages)
        .where(archived_messages.c.chat_id == chat_id)
        .order_by(archived_messages.c.created_at, archived_messages.c.id)
    )
    return [live_messages.opened(dict(row._mapping), cipher) for row in conn.execute(query)]


def count(conn: Connection) -> int:
    """How many chats the archive holds."""
    return len(conn.execute(select(archived_chats.c.id)).all())


def _sealed(chat_id: uuid.UUID, message: dict[str, Any], cipher: MessageCipher) -> dict[str, Any]:
    sealed = cipher.seal(message["body"], chat_id=chat_id, message_id=message["stanza_id"])
    keep = ("stanza_id", "origin_id", "sender", "sender_name", "kind", "created_at")
    return {
        "chat_id": chat_id,
        **{name: message.get(name) for name in keep},
        "body_ciphertext": sealed.ciphertext,
        "nonce": sealed.nonce,
        "key_id": sealed.key_id,
    }


def insert_imported(conn: Connection, record: ChatRecord, cipher: MessageCipher) -> bool:
    """Store an imported chat unless one with its id exists; True when stored."""
    exists = conn.execute(select(archived_chats.c.id).where(archived_chats.c.id == record.id))
    if exists.first() is not None:
        return False
    store(conn, record, cipher)
    return True
