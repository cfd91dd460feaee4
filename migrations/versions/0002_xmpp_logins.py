"""Stage 2: remember XMPP logins, so expired or revoked sessions can be ended."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    """Create xmpp_logins."""
    op.create_table(
        "xmpp_logins",
        sa.Column("user_id", UUID(as_uuid=True), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("token_exp", sa.DateTime(timezone=True)),
        sa.Column("logged_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    """Drop xmpp_logins."""
    op.drop_table("xmpp_logins")
