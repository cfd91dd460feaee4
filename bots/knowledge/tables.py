"""The live database's knowledge-base tables (migration 0008; `kb_chunks.kind`: 0011).

`kb_chunks` is described without its `embedding` (pgvector) and generated
`tsv` columns: those are written and searched with the SQL text in
`repository.py` and `search.py`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID

metadata = MetaData()

kb_articles = Table(
    "kb_articles",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("slug", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("tags", ARRAY(Text), nullable=False),
    Column("version", Integer, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_by", UUID(as_uuid=True), ForeignKey("users.id")),
)

# Every saved state of an article, the current one included.
kb_article_versions = Table(
    "kb_article_versions",
    metadata,
    Column("article_id", UUID(as_uuid=True), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("tags", ARRAY(Text), nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("updated_by", UUID(as_uuid=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

kb_chunks = Table(
    "kb_chunks",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("article_id", UUID(as_uuid=True), ForeignKey("kb_articles.id"), nullable=False),
    Column("article_version", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("heading", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("embedder", Text, nullable=False),
    Column("kind", Text, nullable=False, server_default="passage"),
)
