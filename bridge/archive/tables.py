"""The archive database's tables."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import UUID

metadata = MetaData()

archived_chats = Table(
    "archived_chats",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", UUID(as_uuid=True)),
    Column("customer_name", Text, nullable=False),
    Column("assignee_name", Text),
    Column("subject", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=False),
    Column("archived_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

archived_messages = Table(
    "archived_messages",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("chat_id", UUID(as_uuid=True), ForeignKey("archived_chats.id"), nullable=False),
    Column("stanza_id", Text, nullable=False),
    Column("origin_id", Text),
    Column("sender", Text, nullable=False),
    Column("sender_name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("body_ciphertext", LargeBinary, nullable=False),
    Column("nonce", LargeBinary, nullable=False),
    Column("key_id", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("chat_id", "stanza_id", name="archived_messages_stanza"),
)

archived_ratings = Table(
    "archived_ratings",
    metadata,
    Column("chat_id", UUID(as_uuid=True), ForeignKey("archived_chats.id"), primary_key=True),
    Column("answer_id", UUID(as_uuid=True), primary_key=True),
    Column("rating", Text, nullable=False),
    Column("rated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("rating IN ('up', 'down')", name="archived_ratings_rating"),
)
