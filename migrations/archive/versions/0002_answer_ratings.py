"""The archive keeps how the customer rated the assistant's answers in each chat.

`answer_id` is the answer's id in the live decision log (and the origin-id of
the answer's message); the live database keeps its own copy of the rating for
the knowledge-base articles' figures.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "a0002"
down_revision = "a0001"


def upgrade() -> None:
    """Create archived_ratings."""
    op.create_table(
        "archived_ratings",
        sa.Column(
            "chat_id", UUID(as_uuid=True), sa.ForeignKey("archived_chats.id"), primary_key=True
        ),
        sa.Column("answer_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("rating", sa.Text, nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating IN ('up', 'down')", name="archived_ratings_rating"),
    )


def downgrade() -> None:
    """Drop archived_ratings."""
    op.drop_table("archived_ratings")
