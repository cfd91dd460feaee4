"""Stage 3: a shown suggestion remembers whether it stood in for an unsure pick."""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    """Add suggestion_feedback.fallback."""
    op.add_column(
        "suggestion_feedback",
        sa.Column("fallback", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    """Drop suggestion_feedback.fallback."""
    op.drop_column("suggestion_feedback", "fallback")
