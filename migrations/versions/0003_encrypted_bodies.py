"""Stage 2: message bodies stored only as AES-256-GCM ciphertext (existing rows encrypted)."""

import uuid

import sqlalchemy as sa
from alembic import context, op

from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.settings import Settings

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    """Add the ciphertext columns, encrypt every body, drop the plaintext column."""
    for name in ("body_ciphertext", "nonce"):
        op.add_column("messages", sa.Column(name, sa.LargeBinary))
    op.add_column("messages", sa.Column("key_id", sa.Text))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, chat_id, stanza_id, body FROM messages")).all()
    settings: Settings = context.config.attributes["settings"]
    cipher = MessageCipher(KeyStore.for_messages(settings))
    for row in rows:
        sealed = cipher.seal(
            row.body, chat_id=uuid.UUID(str(row.chat_id)), message_id=row.stanza_id
        )
        conn.execute(
            sa.text(
                "UPDATE messages SET body_ciphertext = :c, nonce = :n, key_id = :k WHERE id = :i"
            ),
            {"c": sealed.ciphertext, "n": sealed.nonce, "k": sealed.key_id, "i": row.id},
        )
    for name in ("body_ciphertext", "nonce", "key_id"):
        op.alter_column("messages", name, nullable=False)
    op.drop_column("messages", "body")


def downgrade() -> None:
    """Not supported: plaintext bodies are not written back."""
    raise NotImplementedError("message bodies stay encrypted")
