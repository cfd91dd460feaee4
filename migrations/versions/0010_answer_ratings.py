"""Stage 4: customers' thumbs up or down on the assistant's answers, one row per answer.

A rating hangs on its decision-log row, which names the chat and the source
articles, so per-article figures need no copy of either. Taking a rating back
deletes the row. Archiving a chat sets the decision's chat_id to NULL and
keeps the row, so an article's figures outlive the chats that rated it; only
deleting a decision takes its rating with it.
"""

from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    """Create assistant_ratings."""
    op.execute(
        """
        CREATE TABLE assistant_ratings (
            decision_id uuid PRIMARY KEY REFERENCES assistant_decisions (id) ON DELETE CASCADE,
            rating text NOT NULL CHECK (rating IN ('up', 'down')),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX assistant_ratings_updated ON assistant_ratings (updated_at)")


def downgrade() -> None:
    """Drop the ratings."""
    op.execute("DROP TABLE assistant_ratings")
