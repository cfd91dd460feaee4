"""Stage 4: the assistant's decision log, one row per customer message it decided on.

The question is stored only encrypted (AES-256-GCM with the message keys, as
message bodies are), so handoff quality can be reviewed without plaintext in
the database; the scores, the action and its reason are plain for measuring.
"""

from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    """Create assistant_decisions."""
    op.execute(
        """
        CREATE TABLE assistant_decisions (
            id uuid PRIMARY KEY,
            chat_id uuid REFERENCES chats (id) ON DELETE SET NULL,
            question_ciphertext bytea NOT NULL,
            nonce bytea NOT NULL,
            key_id text NOT NULL,
            action text NOT NULL CHECK (action IN ('answer', 'hand_over')),
            reason text NOT NULL,
            scores jsonb NOT NULL,
            article_ids uuid[] NOT NULL DEFAULT '{}',
            latency_ms real NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX assistant_decisions_chat ON assistant_decisions (chat_id)")
    op.execute("CREATE INDEX assistant_decisions_created ON assistant_decisions (created_at)")


def downgrade() -> None:
    """Drop the decision log."""
    op.execute("DROP TABLE assistant_decisions")
