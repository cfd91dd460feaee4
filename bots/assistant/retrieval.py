"""Retrieval for the assistant: the knowledge base's hits, reordered by the question memory.

Search (`bots/knowledge/search.py`) ranks articles by their passages, example
questions and words; the question memory (`memory.py`) ranks them by the
questions they answered before, which picks the right article more often
where it has examples. Among the articles search found, the one the memory
ranks best goes first, unless search's best article has no examples (a new
article the memory cannot know yet), which keeps search's order.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from bots.assistant import memory
from bots.assistant.confidence import Ranked
from bots.embedding import Embedder
from bots.knowledge.search import Hit, search


def retrieve(
    conn: Connection, embedder: Embedder, question: str, limit: int
) -> tuple[list[Hit], Ranked]:
    """The question's hits (the article to answer from first) and the memory's ranking."""
    if not question.strip():
        return [], []
    vector = embedder.embed([question], role="query")[0]
    hits = search(conn, embedder, question, limit, vector=vector)
    remembered = memory.current(conn, embedder.name)
    ranked = remembered.rank(vector) if remembered is not None else []
    return prefer(hits, ranked), ranked


def prefer(hits: Sequence[Hit], ranked: Ranked) -> list[Hit]:
    """The hits with the memory's best article among them first (search's order otherwise)."""
    scores = dict(ranked)
    if not hits or hits[0].article_id not in scores:
        return list(hits)
    best = max((hit.article_id for hit in hits if hit.article_id in scores), key=scores.__getitem__)
    return [hit for hit in hits if hit.article_id == best] + [
        hit for hit in hits if hit.article_id != best
    ]
