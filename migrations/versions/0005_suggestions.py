"""Stage 3: versioned suggestion models, their answer modules, and supporters' feedback."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    """Create suggestion_models, answer_modules and suggestion_feedback."""
    op.create_table(
        "suggestion_models",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("embedder", sa.Text, nullable=False),
        sa.Column("metrics", JSONB, nullable=False),
        sa.Column("dataset", JSONB, nullable=False),
        sa.Column("training_seconds", sa.Float, nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("model", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "answer_modules",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "model_version",
            sa.Integer,
            sa.ForeignKey("suggestion_models.version"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("uses", sa.Integer, nullable=False),
        sa.UniqueConstraint("model_version", "position", name="answer_modules_position"),
    )
    op.create_table(
        "suggestion_feedback",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("module_id", sa.BigInteger, sa.ForeignKey("answer_modules.id"), nullable=False),
        sa.Column("chat_id", UUID(as_uuid=True)),
        sa.Column("supporter_id", UUID(as_uuid=True)),
        sa.Column("rank", sa.SmallInteger, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("edited_ciphertext", sa.LargeBinary),
        sa.Column("edited_nonce", sa.LargeBinary),
        sa.Column("edited_key_id", sa.Text),
        sa.CheckConstraint(
            "action IN ('shown', 'chosen', 'edited', 'up', 'down')", name="feedback_action"
        ),
    )


def downgrade() -> None:
    """Drop the suggestion tables."""
    op.drop_table("suggestion_feedback")
    op.drop_table("answer_modules")
    op.drop_table("suggestion_models")
