"""The live database's suggestion tables (created by migrations 0005-0007)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

# One row per training run: the model itself (a numpy archive, no pickle) and its figures.
suggestion_models = Table(
    "suggestion_models",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("embedder", Text, nullable=False),
    Column("metrics", JSONB, nullable=False),
    Column("dataset", JSONB, nullable=False),
    Column("training_seconds", Float, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("model", LargeBinary, nullable=False),
)

# The answer modules a model ranks; `position` is the model's class index.
answer_modules = Table(
    "answer_modules",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("model_version", Integer, ForeignKey("suggestion_models.version"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("uses", Integer, nullable=False),
    UniqueConstraint("model_version", "position", name="answer_modules_position"),
)

# What supporters did with suggestions: shown, chosen, edited before sending, rated.
suggestion_feedback = Table(
    "suggestion_feedback",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("module_id", BigInteger, ForeignKey("answer_modules.id"), nullable=False),
    Column("chat_id", UUID(as_uuid=True)),
    Column("supporter_id", UUID(as_uuid=True)),
    Column("rank", SmallInteger, nullable=False),
    Column("action", Text, nullable=False),
    Column("fallback", Boolean, nullable=False, server_default=false()),  # shown: a stand-in
    # The kind of question it answered (its model's top module key): feedback counts per kind.
    Column("question_cluster", Text),
    Column("shown_id", BigInteger, ForeignKey("suggestion_feedback.id")),  # what it acts on
    # An edited text is message content: stored only encrypted, like message bodies.
    Column("edited_ciphertext", LargeBinary),
    Column("edited_nonce", LargeBinary),
    Column("edited_key_id", Text),
    CheckConstraint(
        "action IN ('shown', 'chosen', 'edited', 'up', 'down', 'unrated')", name="feedback_action"
    ),
)
