"""Stage 3: feedback names the suggestion it is about and the question's cluster; ratings can be
taken back.

`shown_id` links a choice or rating to the shown suggestion (earlier rows are
linked by chat, supporter, module and rank, as the code matched them before);
`question_cluster` lets feedback re-rank per kind of question; the action
`unrated` withdraws a rating.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"

ACTIONS = "'shown', 'chosen', 'edited', 'up', 'down'"


def upgrade() -> None:
    """Add suggestion_feedback.shown_id and .question_cluster, allow the action `unrated`."""
    op.add_column("suggestion_feedback", sa.Column("question_cluster", sa.Text))
    op.add_column(
        "suggestion_feedback",
        sa.Column("shown_id", sa.BigInteger, sa.ForeignKey("suggestion_feedback.id")),
    )
    op.create_index("suggestion_feedback_shown", "suggestion_feedback", ["shown_id"])
    op.execute(
        """
        UPDATE suggestion_feedback AS f SET shown_id = (
            SELECT max(s.id) FROM suggestion_feedback AS s
            WHERE s.action = 'shown' AND s.id < f.id AND s.chat_id = f.chat_id
              AND s.supporter_id = f.supporter_id AND s.module_id = f.module_id
              AND s.rank = f.rank)
        WHERE f.action <> 'shown'
        """
    )
    _allow(f"{ACTIONS}, 'unrated'")


def downgrade() -> None:
    """Drop the columns and the action `unrated` (its rows go)."""
    op.execute("DELETE FROM suggestion_feedback WHERE action = 'unrated'")
    _allow(ACTIONS)
    op.drop_index("suggestion_feedback_shown", "suggestion_feedback")
    op.drop_column("suggestion_feedback", "shown_id")
    op.drop_column("suggestion_feedback", "question_cluster")


def _allow(actions: str) -> None:
    op.drop_constraint("feedback_action", "suggestion_feedback", type_="check")
    op.create_check_constraint("feedback_action", "suggestion_feedback", f"action IN ({actions})")
