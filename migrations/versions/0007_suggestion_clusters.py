"""Stage 3: feedback remembers the question's cluster, so it re-ranks per kind of question."""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    """Add suggestion_feedback.question_cluster."""
    op.add_column("suggestion_feedback", sa.Column("question_cluster", sa.Text))


def downgrade() -> None:
    """Drop suggestion_feedback.question_cluster."""
    op.drop_column("suggestion_feedback", "question_cluster")
