"""Hybrid search: nearest chunks by meaning, chunks with the question's words, fused by rank.

The vector side asks pgvector's HNSW index (cosine) for the chunks closest to
the question's embedding. The text side matches the question's words with
PostgreSQL full-text search (`websearch_to_tsquery`), each chunk with the
configuration of its language (German stemming for German articles, English
for English), any of the words counting, ranked by `ts_rank`. Reciprocal rank fusion adds
`1 / (RRF_K + rank)` from each list a chunk appears in. Archived articles have
no chunks and are never returned.

Usable from any process: `search(conn, embedder, question, limit)`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from bots.embedding import Embedder
from bots.knowledge.repository import vector_literal

RRF_K = 60
CANDIDATES = 40  # from each side; pgvector's default hnsw.ef_search gives at most 40
# A word, or a code like `RB-48213` kept whole: PostgreSQL's parser reads it as `rb` `-48213`.
TOKEN = re.compile(r"\w(?:[\w\-./]*\w)?")

SEARCH_SQL = """
WITH question AS (
    SELECT websearch_to_tsquery('german', :words) AS de,
           websearch_to_tsquery('english', :words) AS en
),
nearest AS (
    SELECT id, distance, row_number() OVER (ORDER BY distance, id) AS rank
    FROM (
        SELECT c.id, c.embedding::vector({dim}) <=> CAST(:vector AS vector({dim})) AS distance
        FROM kb_chunks c
        WHERE c.embedder = :embedder
        ORDER BY c.embedding::vector({dim}) <=> CAST(:vector AS vector({dim}))
        LIMIT :candidates
    ) AS by_distance
),
matching AS (
    SELECT id, score, row_number() OVER (ORDER BY score DESC, id) AS rank
    FROM (
        SELECT c.id, ts_rank(c.tsv, CASE c.language WHEN 'de' THEN q.de ELSE q.en END) AS score
        FROM kb_chunks c, question q
        WHERE c.embedder = :embedder
          AND ((c.language = 'de' AND c.tsv @@ q.de) OR (c.language = 'en' AND c.tsv @@ q.en))
        ORDER BY score DESC, c.id
        LIMIT :candidates
    ) AS by_score
)
SELECT c.id AS chunk_id, c.position, c.heading, c.text,
       a.id AS article_id, a.slug, a.title, a.language, a.version,
       1 - n.distance AS vector_score, n.rank AS vector_rank,
       m.score AS text_score, m.rank AS text_rank,
       coalesce(1.0 / ({rrf_k} + n.rank), 0) + coalesce(1.0 / ({rrf_k} + m.rank), 0) AS fused
FROM nearest n
FULL JOIN matching m ON m.id = n.id
JOIN kb_chunks c ON c.id = coalesce(n.id, m.id)
JOIN kb_articles a ON a.id = c.article_id AND NOT a.archived
ORDER BY fused DESC, coalesce(n.rank, m.rank), c.id
LIMIT :limit
"""


@dataclass(frozen=True)
class Hit:
    """A chunk found for a question, its article, and how it scored on each side."""

    chunk_id: int
    article_id: uuid.UUID
    slug: str
    title: str
    language: str
    article_version: int
    heading: str
    position: int
    text: str
    vector_score: float | None  # cosine similarity, if among the nearest chunks
    vector_rank: int | None
    text_score: float | None  # ts_rank, if the chunk has the question's words
    text_rank: int | None
    fused: float


def any_of_words(question: str) -> str:
    """The question as a web-search query for any of its words (each quoted; stop words drop out).

    `websearch_to_tsquery` would require all words; a customer's question
    rarely has every word of the passage that answers it.
    """
    return " or ".join(f'"{token}"' for token in TOKEN.findall(question))


def search(conn: Connection, embedder: Embedder, question: str, limit: int = 5) -> list[Hit]:
    """The best `limit` chunks for the question, by fused rank (empty for a blank question)."""
    if not question.strip():
        return []
    vector = embedder.embed([question], role="query")[0]
    sql = SEARCH_SQL.format(dim=int(vector.shape[0]), rrf_k=RRF_K)
    rows = conn.execute(
        text(sql),
        {
            "words": any_of_words(question),
            "vector": vector_literal(vector),
            "embedder": embedder.name,
            "candidates": CANDIDATES,
            "limit": limit,
        },
    )
    return [
        Hit(
            chunk_id=row.chunk_id,
            article_id=row.article_id,
            slug=row.slug,
            title=row.title,
            language=row.language,
            article_version=row.version,
            heading=row.heading,
            position=row.position,
            text=row.text,
            vector_score=_float(row.vector_score),
            vector_rank=row.vector_rank,
            text_score=_float(row.text_score),
            text_rank=row.text_rank,
            fused=float(row.fused),
        )
        for row in rows
    ]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
