"""Issue 5: questions the assistant learned, each with the article that answers it.

`customer-chat bot learn FILE` adds labelled questions (a support team's
answered questions); the assistant's question memory (`bots/assistant/memory.py`)
fits on them and on the articles' example questions. Only the embedding and
the question's text are kept, per embedder, like chunks.
"""

from alembic import op

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    """Create kb_learned_questions."""
    op.execute(
        """
        CREATE TABLE kb_learned_questions (
            id bigserial PRIMARY KEY,
            article_id uuid NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
            question text NOT NULL,
            embedder text NOT NULL,
            embedding vector NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (article_id, question, embedder)
        )
        """
    )


def downgrade() -> None:
    """Drop the learned questions."""
    op.execute("DROP TABLE kb_learned_questions")
