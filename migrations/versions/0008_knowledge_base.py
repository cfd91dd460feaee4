"""Stage 4: the knowledge base: articles, every saved version, and embedded chunks.

`kb_chunks.embedding` has no fixed dimension, so the embedder can change
without a migration. pgvector's HNSW index needs one, so each local embedder
gets a partial expression index (`embedding::vector(N)` for its rows); the
search casts the same way to use it. A chunk's `tsv` is built with the German
or English text-search configuration of its article's language.
"""

from alembic import op

revision = "0008"
down_revision = "0007"

# The local embedders and their dimensions (bots/embedding.py); others search exactly.
INDEXED = {"e5-small-q4": 384, "use-m3": 512}


def index_name(embedder: str) -> str:
    """The HNSW index of one embedder's chunks."""
    return "kb_chunks_hnsw_" + embedder.replace("-", "_")


def upgrade() -> None:
    """Create kb_articles, kb_article_versions, kb_chunks and their indexes."""
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.execute(
        """
        CREATE TABLE kb_articles (
            id uuid PRIMARY KEY,
            slug text NOT NULL UNIQUE,
            title text NOT NULL,
            body text NOT NULL,
            language text NOT NULL CHECK (language IN ('de', 'en')),
            tags text[] NOT NULL DEFAULT '{}',
            version integer NOT NULL,
            archived boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by uuid REFERENCES users (id)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE kb_article_versions (
            article_id uuid NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
            version integer NOT NULL,
            title text NOT NULL,
            body text NOT NULL,
            language text NOT NULL,
            tags text[] NOT NULL,
            archived boolean NOT NULL,
            updated_by uuid REFERENCES users (id),
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (article_id, version)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE kb_chunks (
            id bigserial PRIMARY KEY,
            article_id uuid NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
            article_version integer NOT NULL,
            position integer NOT NULL,
            heading text NOT NULL,
            text text NOT NULL,
            language text NOT NULL CHECK (language IN ('de', 'en')),
            embedder text NOT NULL,
            embedding vector NOT NULL,
            tsv tsvector GENERATED ALWAYS AS (
                to_tsvector(
                    CASE language WHEN 'de' THEN 'german'::regconfig ELSE 'english'::regconfig END,
                    heading || ' ' || text
                )
            ) STORED,
            UNIQUE (article_id, embedder, position)
        )
        """
    )
    op.execute("CREATE INDEX kb_chunks_tsv ON kb_chunks USING gin (tsv)")
    for embedder, dimension in INDEXED.items():
        op.execute(
            f"CREATE INDEX {index_name(embedder)} ON kb_chunks "
            f"USING hnsw ((embedding::vector({dimension})) vector_cosine_ops) "
            f"WHERE embedder = '{embedder}'"
        )


def downgrade() -> None:
    """Drop the knowledge-base tables (the vector extension stays)."""
    op.execute("DROP TABLE kb_chunks")
    op.execute("DROP TABLE kb_article_versions")
    op.execute("DROP TABLE kb_articles")
