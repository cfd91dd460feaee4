"""Stage 1: users, chats, the message log, the chat event outbox and heartbeats."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001"
down_revision = None


def _created_at() -> sa.Column[object]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def upgrade() -> None:
    """Create the stage-1 tables."""
    op.create_table(
        "users",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("username", sa.Text, unique=True),
        sa.Column("email", sa.Text, unique=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("tokens_valid_after", sa.DateTime(timezone=True)),
        _created_at(),
        sa.CheckConstraint("role IN ('user', 'supporter', 'admin')", name="users_role"),
    )
    op.create_table(
        "chats",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("room_jid", sa.Text, nullable=False, unique=True),
        sa.Column("customer_id", UUID(as_uuid=True), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("assignee_id", UUID(as_uuid=True), sa.ForeignKey("users.id")),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False, server_default=""),
        sa.Column("room_ready", sa.Boolean, nullable=False, server_default="false"),
        # The stanza-id up to which the message log is known to be complete.
        sa.Column("log_cursor", sa.Text),
        _created_at(),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('bot', 'waiting', 'active', 'ended')", name="chats_status"),
    )
    op.create_index("chats_status_created", "chats", ["status", "created_at"])
    op.create_table(
        "messages",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("chat_id", UUID(as_uuid=True), sa.ForeignKey("chats.id"), nullable=False),
        sa.Column("stanza_id", sa.Text, nullable=False),
        sa.Column("origin_id", sa.Text),
        sa.Column("sender", sa.Text, nullable=False),
        sa.Column("sender_name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("chat_id", "stanza_id", name="messages_room_stanza"),
        sa.UniqueConstraint("chat_id", "sender", "origin_id", name="messages_sender_origin"),
    )
    op.create_index("messages_chat_created", "messages", ["chat_id", "created_at", "id"])
    op.create_table(
        "chat_events",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("chat_id", UUID(as_uuid=True), sa.ForeignKey("chats.id"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("payload", JSONB, nullable=False, server_default="{}"),
        _created_at(),
        sa.Column("done_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "chat_events_pending", "chat_events", ["id"], postgresql_where=sa.text("done_at IS NULL")
    )
    op.create_table(
        "heartbeats",
        sa.Column("service", sa.Text, primary_key=True),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop the stage-1 tables."""
    for table in ("heartbeats", "chat_events", "messages", "chats", "users"):
        op.drop_table(table)
