"""Hybrid search: articles scored by meaning and by words, fused by rank; their passages returned.

Candidates are the articles of the chunks nearest the question's embedding
(pgvector's HNSW index, cosine) and of the chunks with the question's words
(PostgreSQL full-text search, `websearch_to_tsquery`, each chunk with the
configuration of its language: German stemming for German articles, English
for English; any of the words counting, ranked by `ts_rank`). Every chunk of
a candidate article is then scored exactly, and the article by all of them:
its *meaning* is `1 - QUESTION_WEIGHT` times its best passage's cosine plus
`QUESTION_WEIGHT` times its best example question's (`questions.py`; the
passage's again without any), its *text* the best `ts_rank` of its chunks.
Reciprocal rank fusion adds `1 / (RRF_K + rank)` of the article's rank by
meaning and `TEXT_WEIGHT / (RRF_K + rank)` of its rank by text. The hits
are the passages of the best articles (never example questions), the
article's best passage first. Archived articles have no chunks and are never
returned.

Usable from any process: `search(conn, embedder, question, limit)`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, text

from bots.embedding import Embedder
from bots.knowledge.repository import vector_literal

RRF_K = 60
# Both chosen on BANKING77 validation questions, see README (Assistant, Measured).
QUESTION_WEIGHT = 0.4
TEXT_WEIGHT = 0.25
CANDIDATES = 40  # from each side; pgvector's default hnsw.ef_search gives at most 40
# A word, or a code like `RB-48213` kept whole: PostgreSQL's parser reads it as `rb` `-48213`.
TOKEN = re.compile(r"\w(?:[\w\-./]*\w)?")

SEARCH_SQL = """
WITH question AS (
    SELECT websearch_to_tsquery('german', :words) AS de,
           websearch_to_tsquery('english', :words) AS en
),
nearest AS (
    SELECT c.article_id
    FROM kb_chunks c
    WHERE c.embedder = :embedder
    ORDER BY c.embedding::vector({dim}) <=> CAST(:vector AS vector({dim}))
    LIMIT :candidates
),
matching AS (
    SELECT c.article_id
    FROM kb_chunks c, question q
    WHERE c.embedder = :embedder
      AND ((c.language = 'de' AND c.tsv @@ q.de) OR (c.language = 'en' AND c.tsv @@ q.en))
    ORDER BY ts_rank(c.tsv, CASE c.language WHEN 'de' THEN q.de ELSE q.en END) DESC, c.id
    LIMIT :candidates
),
scored AS (
    SELECT c.id, c.article_id, c.kind,
           1 - (c.embedding::vector({dim}) <=> CAST(:vector AS vector({dim}))) AS cosine,
           CASE WHEN c.tsv @@ t.query THEN ts_rank(c.tsv, t.query) END AS text_score
    FROM kb_chunks c
    CROSS JOIN question q
    CROSS JOIN LATERAL (SELECT CASE c.language WHEN 'de' THEN q.de ELSE q.en END AS query) t
    WHERE c.embedder = :embedder
      AND c.article_id IN (SELECT article_id FROM nearest UNION SELECT article_id FROM matching)
),
articles AS (
    SELECT article_id, question_score, text_score,
           (1 - {question_weight}) * passage_score
               + {question_weight} * coalesce(question_score, passage_score) AS meaning
    FROM (
        SELECT article_id,
               max(cosine) FILTER (WHERE kind = 'passage') AS passage_score,
               max(cosine) FILTER (WHERE kind = 'question') AS question_score,
               max(text_score) AS text_score
        FROM scored
        GROUP BY article_id
    ) AS best
),
ranked AS (
    SELECT *,
           row_number() OVER (ORDER BY meaning DESC, article_id) AS vector_rank,
           CASE WHEN text_score IS NOT NULL
                THEN row_number() OVER (ORDER BY text_score DESC NULLS LAST, article_id)
           END AS text_rank
    FROM articles
)
SELECT c.id AS chunk_id, c.position, c.heading, c.text,
       a.id AS article_id, a.slug, a.title, a.language, a.version,
       s.cosine AS vector_score, r.question_score, r.meaning, r.vector_rank,
       r.text_score, r.text_rank,
       1.0 / ({rrf_k} + r.vector_rank)
           + coalesce(CAST(:text_weight AS double precision) / ({rrf_k} + r.text_rank), 0) AS fused
FROM ranked r
JOIN scored s ON s.article_id = r.article_id AND s.kind = 'passage'
JOIN kb_chunks c ON c.id = s.id
JOIN kb_articles a ON a.id = r.article_id AND NOT a.archived
ORDER BY fused DESC, r.vector_rank, s.cosine DESC, c.id
LIMIT :limit
"""


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, its article, and how the article scored on each side."""

    chunk_id: int
    article_id: uuid.UUID
    slug: str
    title: str
    language: str
    article_version: int
    heading: str
    position: int
    text: str
    vector_score: float  # this passage's cosine similarity
    question_score: float | None  # the article's best example question's cosine, if it has any
    meaning: float  # the article's score by meaning (see the module's text)
    vector_rank: int  # the article's rank by meaning
    text_score: float | None  # the article's best ts_rank, if it has the question's words
    text_rank: int | None
    fused: float


def any_of_words(question: str) -> str:
    """The question as a web-search query for any of its words (each quoted; stop words drop out).

    `websearch_to_tsquery` would require all words; a customer's question
    rarely has every word of the passage that answers it.
    """
    return " or ".join(f'"{token}"' for token in TOKEN.findall(question))


def search(
    conn: Connection,
    embedder: Embedder,
    question: str,
    limit: int = 5,
    *,
    text_weight: float = TEXT_WEIGHT,
    vector: NDArray[np.float32] | None = None,
) -> list[Hit]:
    """The best `limit` passages for the question, by fused rank (empty for a blank question).

    `text_weight` is how much the rank by words counts against the rank by meaning:
    the assistant's calibrated `TEXT_WEIGHT`, or 1 where exact words matter as much.
    `vector`: the question's embedding, if the caller has it already.
    """
    if not question.strip():
        return []
    if vector is None:
        vector = embedder.embed([question], role="query")[0]
    sql = SEARCH_SQL.format(
        dim=int(vector.shape[0]),
        rrf_k=RRF_K,
        question_weight=QUESTION_WEIGHT,
    )
    rows = conn.execute(
        text(sql),
        {
            "words": any_of_words(question),
            "vector": vector_literal(vector),
            "embedder": embedder.name,
            "candidates": CANDIDATES,
            "limit": limit,
            "text_weight": text_weight,
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
            vector_score=float(row.vector_score),
            question_score=_float(row.question_score),
            meaning=float(row.meaning),
            vector_rank=row.vector_rank,
            text_score=_float(row.text_score),
            text_rank=row.text_rank,
            fused=float(row.fused),
        )
        for row in rows
    ]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
