"""Articles: versions on every save, conflicts, archive and restore, re-embedding what changed."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from sqlalchemy import Connection, text

from bots.embedding import Embedder
from bots.knowledge import repository, service
from bots.knowledge.chunks import Chunk
from bots.knowledge.indexer import LOCK_KEY, Indexer, index_stale
from bots.knowledge.repository import Article, Content
from bots.knowledge.search import search
from bots.knowledge.service import ArticleNotFound, VersionConflict
from bridge.db import Database
from tests.conftest import eventually

BATTERY = Content(
    "Akku richtig lagern",
    "Lagern Sie den Akku im Winter bei Zimmertemperatur und halb geladen.",
    "de",
    ("battery",),
)


def create(db: Database, content: Content = BATTERY) -> Article:
    """A new article, saved by nobody in particular."""
    return db.run_sync(lambda conn: service.create(conn, content=content, by=None))


def slugs(db: Database, embedder: Embedder, question: str) -> list[str]:
    """The slugs of the articles search finds for the question, best first."""
    return [hit.slug for hit in db.run_sync(search, embedder, question, 10)]


def test_every_save_is_a_version_and_saving_nothing_new_adds_none(empty_kb: Database) -> None:
    article = create(empty_kb)
    assert (article.slug, article.version, article.archived) == ("akku-richtig-lagern", 1, False)
    edited = Content(
        BATTERY.title, BATTERY.body + " Nie unter null Grad laden.", "de", ("battery", "winter")
    )
    saved = empty_kb.run_sync(
        lambda conn: service.update(conn, article.id, content=edited, version=1, by=None)
    )
    again = empty_kb.run_sync(
        lambda conn: service.update(conn, article.id, content=edited, version=2, by=None)
    )
    assert saved.version == again.version == 2
    history = empty_kb.run_sync(repository.versions, article.id)
    assert [(v.version, v.content) for v in history] == [(2, edited), (1, BATTERY)]


def test_the_same_title_gets_a_numbered_slug(empty_kb: Database) -> None:
    assert [create(empty_kb).slug for _ in range(2)] == [
        "akku-richtig-lagern",
        "akku-richtig-lagern-2",
    ]
    assert service.slug_for("Über Größe & Maße?") == "ueber-groesse-masse"
    assert service.slug_for("???") == "article"


def test_an_edit_of_an_old_version_is_refused(empty_kb: Database) -> None:
    article = create(empty_kb)
    newer = Content("Akku lagern", BATTERY.body, "de")
    empty_kb.run_sync(
        lambda conn: service.update(conn, article.id, content=newer, version=1, by=None)
    )
    with pytest.raises(VersionConflict, match="now version 2"):
        empty_kb.run_sync(
            lambda conn: service.update(conn, article.id, content=BATTERY, version=1, by=None)
        )
    with pytest.raises(ArticleNotFound):
        empty_kb.run_sync(lambda conn: service.archive(conn, uuid.uuid4(), by=None))


def test_archived_articles_leave_search_at_once_and_come_back_when_restored(
    empty_kb: Database, embedder: Embedder
) -> None:
    article = create(empty_kb)
    index_stale(empty_kb, embedder)
    assert slugs(empty_kb, embedder, "Wie lagere ich den Akku im Winter?") == [article.slug]
    archived = empty_kb.run_sync(lambda conn: service.archive(conn, article.id, by=None))
    assert archived.archived and archived.version == 2
    assert slugs(empty_kb, embedder, "Wie lagere ich den Akku im Winter?") == []
    assert index_stale(empty_kb, embedder).articles == 0  # archived ones are not embedded
    listed = empty_kb.run_sync(lambda conn: repository.list_articles(conn, archived=True))
    assert [a.id for a in listed] == [article.id]
    restored = empty_kb.run_sync(lambda conn: service.restore(conn, article.id, by=None))
    assert not restored.archived and restored.version == 3
    assert index_stale(empty_kb, embedder).articles == 1
    assert slugs(empty_kb, embedder, "Wie lagere ich den Akku im Winter?") == [article.slug]
    history = empty_kb.run_sync(repository.versions, article.id)
    assert [v.archived for v in history] == [False, True, False]


def test_only_the_edited_article_is_embedded_again(kb: Database, embedder: Embedder) -> None:
    def chunk_ids(conn: Connection) -> dict[uuid.UUID, set[int]]:
        rows = conn.execute(text("SELECT article_id, id FROM kb_chunks"))
        found: dict[uuid.UUID, set[int]] = {}
        for article_id, chunk_id in rows:
            found.setdefault(article_id, set()).add(chunk_id)
        return found

    before = kb.run_sync(chunk_ids)
    hours = kb.run_sync(repository.get_by_slug, "opening-hours")
    assert hours is not None
    edited = Content(
        hours.content.title, hours.content.body.replace("18:00", "20:00"), "en", hours.content.tags
    )
    kb.run_sync(
        lambda conn: service.update(conn, hours.id, content=edited, version=hours.version, by=None)
    )
    assert [a.slug for a in kb.run_sync(repository.stale, embedder.name)] == ["opening-hours"]
    done = index_stale(kb, embedder)
    after = kb.run_sync(chunk_ids)
    assert done.articles == 1 and done.chunks == len(after[hours.id])
    assert {k: v for k, v in after.items() if k != hours.id} == {
        k: v for k, v in before.items() if k != hours.id
    }
    assert after[hours.id].isdisjoint(before[hours.id])
    hit = kb.run_sync(search, embedder, "When is the support team available?", 1)[0]
    assert hit.slug == "opening-hours" and "20:00" in hit.text


def test_another_embedder_makes_every_article_stale(kb: Database) -> None:
    assert kb.run_sync(repository.stale, "e5-small-q4") == []
    assert len(kb.run_sync(repository.stale, "use-m3", 100)) == 6


def test_chunks_of_a_version_edited_meanwhile_are_not_stored(
    empty_kb: Database, embedder: Embedder
) -> None:
    article = create(empty_kb)
    empty_kb.run_sync(
        lambda conn: service.update(
            conn, article.id, content=Content("Neu", "Text", "de"), version=1, by=None
        )
    )
    chunks = [Chunk(0, "Akku richtig lagern", "alt")]
    stored = empty_kb.run_sync(
        repository.replace_chunks,
        article.id,
        version=1,
        embedder=embedder.name,
        chunks=chunks,
        vectors=embedder.embed(["alt"]),
    )
    assert stored is False
    assert empty_kb.run_sync(repository.chunk_count, article.id) == 0


def test_one_indexer_at_a_time(empty_kb: Database, embedder: Embedder) -> None:
    create(empty_kb)
    with empty_kb.engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        assert index_stale(empty_kb, embedder).articles == 0
        other.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
    assert index_stale(empty_kb, embedder).articles == 1


async def test_the_background_indexer_embeds_a_saved_article_within_seconds(
    empty_kb: Database, embedder: Embedder
) -> None:
    indexer = Indexer(empty_kb, lambda: embedder)
    running = asyncio.create_task(indexer.run())
    try:
        await asyncio.sleep(0.2)  # its first look finds nothing
        create(empty_kb, Content("Helmpflicht", "Auf dem S-Pedelec gilt Helmpflicht.", "de"))
        indexer.nudge()
        found = await eventually(
            lambda: slugs(empty_kb, embedder, "Muss ich einen Helm tragen?") or None, timeout=20
        )
        assert found == ["helmpflicht"]
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
