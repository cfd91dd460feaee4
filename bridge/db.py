"""Database engine, schema metadata and the helpers to run work off the event loop."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    func,
    make_url,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from bridge.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("username", Text, unique=True),
    Column("email", Text, unique=True),
    Column("display_name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("password_hash", Text),
    Column("disabled", Boolean, nullable=False, server_default="false"),
    Column("tokens_valid_after", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

chats = Table(
    "chats",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("room_jid", Text, nullable=False, unique=True),
    Column("customer_id", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    Column("assignee_id", UUID(as_uuid=True), ForeignKey("users.id")),
    Column("status", Text, nullable=False),
    Column("subject", Text, nullable=False, server_default=""),
    Column("room_ready", Boolean, nullable=False, server_default="false"),
    Column("log_cursor", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("ended_at", DateTime(timezone=True)),
    Index("chats_status_created", "status", "created_at"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("chat_id", UUID(as_uuid=True), ForeignKey("chats.id"), nullable=False),
    Column("stanza_id", Text, nullable=False),
    Column("origin_id", Text),
    Column("sender", Text, nullable=False),
    Column("sender_name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    # The body only as AES-256-GCM ciphertext (bridge/messages/crypto.py).
    Column("body_ciphertext", LargeBinary, nullable=False),
    Column("nonce", LargeBinary, nullable=False),
    Column("key_id", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("chat_id", "stanza_id", name="messages_room_stanza"),
    UniqueConstraint("chat_id", "sender", "origin_id", name="messages_sender_origin"),
    Index("messages_chat_created", "chat_id", "created_at", "id"),
)

chat_events = Table(
    "chat_events",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("chat_id", UUID(as_uuid=True), ForeignKey("chats.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("payload", JSONB, nullable=False, server_default="{}"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("done_at", DateTime(timezone=True)),
    Index("chat_events_pending", "id", postgresql_where="done_at IS NULL"),
)

# Only a SHA-256 of each invitation code is kept: a leaked table opens no chat.
invitations = Table(
    "invitations",
    metadata,
    Column("code_hash", Text, primary_key=True),
    Column("chat_id", UUID(as_uuid=True), ForeignKey("chats.id"), nullable=False),
    Column("customer_id", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    Column("created_by", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    Column("email", Text),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The latest XMPP login of each user: when its token expires, whether it was ended.
xmpp_logins = Table(
    "xmpp_logins",
    metadata,
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id"), primary_key=True),
    Column("token_exp", DateTime(timezone=True)),
    Column("logged_in_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

heartbeats = Table(
    "heartbeats",
    metadata,
    Column("service", Text, primary_key=True),
    Column("beat_at", DateTime(timezone=True), nullable=False),
)


def database_url(settings: Settings) -> str:
    """Return the configured PostgreSQL URL, or that of the embedded server in the data dir."""
    if settings.database_url:
        return settings.database_url
    from bridge.postgres import embedded_url

    return embedded_url(settings.data_dir)


def archive_database_url(settings: Settings) -> str:
    """The archive database: configured, or `<live name>_archive` on the live server."""
    if settings.archive_database_url:
        return settings.archive_database_url
    if not settings.database_url:
        from bridge.postgres import embedded_url

        return embedded_url(settings.data_dir, "customer_chat_archive")
    from bridge.postgres import ensure_database

    live = make_url(settings.database_url)
    name = f"{live.database}_archive"
    ensure_database(live.set(database="postgres").render_as_string(hide_password=False), name)
    return live.set(database=name).render_as_string(hide_password=False)


def make_engine(settings: Settings, *, archive: bool = False) -> Engine:
    """Create the engine every process uses (a small pool, connections checked before use)."""
    url = archive_database_url(settings) if archive else database_url(settings)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)


class Database:
    """Runs synchronous database work in worker threads, one transaction a call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def run(self, work: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run `work(conn, *args, **kwargs)` in a thread inside one committed transaction."""
        return await asyncio.to_thread(functools.partial(self.run_sync, work, *args, **kwargs))

    def run_sync(self, work: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run `work(conn, ...)` in one transaction on the calling thread."""
        with self.engine.begin() as conn:
            return work(conn, *args, **kwargs)


__all__ = ["Connection", "Database", "make_engine", "metadata"]
