"""Issue 5: a knowledge-base chunk is a passage or one of the article's example questions.

Example questions (the list under a "Questions customers ask" heading) are
indexed one chunk each so search can score an article by the question most
like the customer's; they are never shown as an answer. Existing chunks are
passages; the chunks of articles that have such a list are dropped, so the
indexer embeds them anew, questions included.
"""

from alembic import op

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    """Add kb_chunks.kind."""
    op.execute(
        "ALTER TABLE kb_chunks ADD COLUMN kind text NOT NULL DEFAULT 'passage'"
        " CHECK (kind IN ('passage', 'question'))"
    )
    # The heading rule of bots/knowledge/questions.py, in PostgreSQL's regex dialect.
    op.execute(
        r"""
        DELETE FROM kb_chunks WHERE article_id IN (
            SELECT id FROM kb_articles
            WHERE body ~* '(?n)^#{1,6}\s.*\m(questions?|fragen)\M'
        )
        """
    )


def downgrade() -> None:
    """Drop the question chunks and the column."""
    op.execute("DELETE FROM kb_chunks WHERE kind = 'question'")
    op.execute("ALTER TABLE kb_chunks DROP COLUMN kind")
