"""Questions with the article that answers them: what the assistant's question memory learns from.

Two sources, both embedded as queries by the configured embedder: the example
questions articles list (chunks of kind `question`, `questions.py`) and the
learned questions a team adds with `customer-chat bot learn FILE`
(`kb_learned_questions`, migration 0013). Archived articles teach nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, text

from bots.knowledge.repository import vector_literal

EXAMPLES_SQL = """
SELECT c.article_id, c.embedding::text AS embedding
FROM kb_chunks c JOIN kb_articles a ON a.id = c.article_id AND NOT a.archived
WHERE c.kind = 'question' AND c.embedder = :embedder
UNION ALL
SELECT l.article_id, l.embedding::text
FROM kb_learned_questions l JOIN kb_articles a ON a.id = l.article_id AND NOT a.archived
WHERE l.embedder = :embedder
"""

# Changes whenever an example is added, re-indexed, removed or its article archived.
VERSION_SQL = """
SELECT (SELECT count(*) || ':' || coalesce(max(c.id), 0)
        FROM kb_chunks c JOIN kb_articles a ON a.id = c.article_id AND NOT a.archived
        WHERE c.kind = 'question' AND c.embedder = :embedder)
    || '/' ||
       (SELECT count(*) || ':' || coalesce(max(l.id), 0)
        FROM kb_learned_questions l JOIN kb_articles a ON a.id = l.article_id AND NOT a.archived
        WHERE l.embedder = :embedder)
"""


@dataclass(frozen=True)
class Examples:
    """Question embeddings (one row each) and the article each belongs to."""

    article_ids: list[uuid.UUID]
    vectors: NDArray[np.float32]


def examples(conn: Connection, embedder: str) -> Examples:
    """Every example question of the embedder, listed and learned."""
    rows = conn.execute(text(EXAMPLES_SQL), {"embedder": embedder}).all()
    if not rows:
        return Examples([], np.zeros((0, 0), dtype=np.float32))
    vectors = np.array([_parse(row.embedding) for row in rows], dtype=np.float32)
    return Examples([row.article_id for row in rows], vectors)


def version(conn: Connection, embedder: str) -> str:
    """A cheap fingerprint of the examples: equal fingerprints, equal examples."""
    return str(conn.execute(text(VERSION_SQL), {"embedder": embedder}).scalar_one())


def learn(
    conn: Connection,
    embedder: str,
    learned: Sequence[tuple[uuid.UUID, str]],
    vectors: NDArray[np.float32],
) -> int:
    """Store (article, question) pairs with their embeddings; how many were new."""
    if not learned:
        return 0
    result = conn.execute(
        text(
            "INSERT INTO kb_learned_questions (article_id, question, embedder, embedding)"
            " VALUES (:article_id, :question, :embedder, CAST(:embedding AS vector))"
            " ON CONFLICT DO NOTHING"
        ),
        [
            {
                "article_id": article_id,
                "question": question,
                "embedder": embedder,
                "embedding": vector_literal(row),
            }
            for (article_id, question), row in zip(learned, vectors, strict=True)
        ],
    )
    return int(result.rowcount)


def _parse(literal: str) -> NDArray[np.float32]:
    return np.array(literal[1:-1].split(","), dtype=np.float32)
