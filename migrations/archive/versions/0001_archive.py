"""The archive: ended chats and their messages (bodies under the archive's own key)."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "a0001"
down_revision = None


def upgrade() -> None:
    """Create archived_chats and archived_messages."""
    op.create_table(
        "archived_chats",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("customer_id", UUID(as_uuid=True)),
        sa.Column("customer_name", sa.Text, nullable=False),
        sa.Column("assignee_name", sa.Text),
        sa.Column("subject", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "archived_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("archived_chats_ended", "archived_chats", ["ended_at"])
    op.create_table(
        "archived_messages",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "chat_id", UUID(as_uuid=True), sa.ForeignKey("archived_chats.id"), nullable=False
        ),
        sa.Column("stanza_id", sa.Text, nullable=False),
        sa.Column("origin_id", sa.Text),
        sa.Column("sender", sa.Text, nullable=False),
        sa.Column("sender_name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("body_ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("nonce", sa.LargeBinary, nullable=False),
        sa.Column("key_id", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("chat_id", "stanza_id", name="archived_messages_stanza"),
    )


def downgrade() -> None:
    """Drop the archive tables."""
    op.drop_table("archived_messages")
    op.drop_table("archived_chats")
