"""Keep the chunks current: re-embed only articles whose current version has none yet.

Saving an article gives it a new version and so makes it stale; `index_stale`
chunks and embeds stale articles one at a time, outside any transaction, and
swaps in the new chunks only if the article did not change meanwhile. One
indexer runs at a time across processes (an advisory lock), so the api and a
`kb import` never embed the same article twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import text

from bots.embedding import Embedder
from bots.knowledge import repository
from bots.knowledge.chunks import chunk
from bots.knowledge.questions import questions
from bots.knowledge.repository import Article
from bridge.db import Database

log = logging.getLogger(__name__)

CHECK_SECONDS = 10.0  # also picks up edits made by other processes (imports, other apis)
LOCK_KEY = 7261008
MAX_ROUNDS = 100


@dataclass(frozen=True)
class Indexed:
    """What one indexing run did."""

    articles: int
    chunks: int


def index_stale(db: Database, embedder: Embedder, *, wait: bool = False) -> Indexed:
    """Embed every stale article's chunks; if another indexer runs, nothing (or `wait` for it)."""
    articles = chunks = 0
    with db.engine.connect() as lock:
        if wait:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        elif not lock.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
        ).scalar():
            return Indexed(0, 0)
        lock.commit()  # the lock belongs to the session; no transaction stays open
        try:
            for _ in range(MAX_ROUNDS):
                stale = db.run_sync(repository.stale, embedder.name)
                if not stale:
                    break
                for article in stale:
                    written = index_article(db, embedder, article)
                    articles += written > 0
                    chunks += written
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            lock.commit()
    return Indexed(articles, chunks)


def index_article(db: Database, embedder: Embedder, article: Article) -> int:
    """Chunk and embed this version of the article; how many chunks were stored (0: it changed)."""
    title, body = article.content.title, article.content.body
    passages = chunk(title, body)
    asked = questions(title, body, start=len(passages))
    chunks = passages + asked
    # e5 compares short texts of the same kind as queries: an example question with a question.
    vectors = np.vstack(
        [embedder.embed([c.passage for c in passages], role="passage")]
        + ([embedder.embed([c.text for c in asked], role="query")] if asked else [])
    )
    stored = db.run_sync(
        repository.replace_chunks,
        article.id,
        version=article.version,
        embedder=embedder.name,
        chunks=chunks,
        vectors=vectors,
    )
    return len(chunks) if stored else 0


class Indexer:
    """Runs `index_stale` in a long-lived process: when nudged after a save, and every few seconds.

    Local models load at their first embedding, so a process whose knowledge
    base is up to date never loads one for indexing.
    """

    def __init__(self, db: Database, embedder: Callable[[], Embedder]) -> None:
        self.db = db
        self.embedder = embedder
        self._wake = asyncio.Event()

    def nudge(self) -> None:
        """Index now (call on the event loop, after the save committed)."""
        self._wake.set()

    async def run(self) -> None:
        """Index stale articles, then wait for a nudge or the next check, for ever."""
        while True:
            self._wake.clear()
            try:
                done = await asyncio.to_thread(self._index)
                if done.articles:
                    log.info("indexed %d articles (%d chunks)", done.articles, done.chunks)
            except Exception:  # a failing embedder or database must not end the loop
                log.exception("knowledge-base indexing failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), CHECK_SECONDS)

    def _index(self) -> Indexed:
        return index_stale(self.db, self.embedder())  # local models load at the first embed
