"""Issue 6: the bots processes that are alive, so they can share the rooms between them.

Each `customer-chat bots` process writes its row every second; a row not
written for a few seconds is a process that died. Every process reads the
same rows and gives each chat's room to one of them (`bots/instances/`).
"""

from alembic import op

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    """Create bot_instances."""
    op.execute(
        """
        CREATE TABLE bot_instances (
            id text PRIMARY KEY,
            started_at timestamptz NOT NULL DEFAULT now(),
            seen_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    """Drop the bot instances."""
    op.execute("DROP TABLE bot_instances")
