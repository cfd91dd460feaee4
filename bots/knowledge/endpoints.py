"""Routes of the knowledge base (supporters and admins): articles, their history, search."""

from __future__ import annotations

import time
import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Query, Request, status

from bots.assistant import ratings
from bots.assistant.repository import Tally
from bots.embedding import Embedder
from bots.knowledge import repository, service
from bots.knowledge.indexer import Indexer
from bots.knowledge.schemas import (
    ArticleIn,
    ArticleOut,
    ArticleSummary,
    ArticleUpdate,
    HitOut,
    RatingCounts,
    SearchOut,
    VersionOut,
)
from bots.knowledge.search import TEXT_WEIGHT, search
from bridge.api.deps import CurrentSupporter, DbConn
from bridge.api.inputs import NOT_TEXT

router = APIRouter(prefix="/api/kb")


def get_indexer(request: Request) -> Indexer:
    """The api's background indexer."""
    indexer: Indexer = request.app.state.kb_indexer
    return indexer


def get_embedder(request: Request) -> Embedder:
    """The embedder the knowledge base is indexed with (shared with suggestions)."""
    embedder: Embedder = request.app.state.embedders.configured()
    return embedder


KbIndexer = Annotated[Indexer, Depends(get_indexer)]
KbEmbedder = Annotated[Embedder, Depends(get_embedder)]


def _plain(value: str | None, name: str) -> str | None:
    if value is not None and NOT_TEXT.search(value):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"{name} must be plain text")
    return value


def _reindex(tasks: BackgroundTasks, indexer: Indexer) -> None:
    """Wake the indexer once the response (and so the saved version) has gone out."""

    async def nudge() -> None:
        indexer.nudge()

    tasks.add_task(nudge)


@router.get("/articles")
def list_articles(
    _: CurrentSupporter,
    conn: DbConn,
    archived: bool | None = None,
    tag: Annotated[str | None, Query(max_length=40)] = None,
) -> list[ArticleSummary]:
    """All articles by title with their customers' ratings; filter by `archived` or one `tag`."""
    found = repository.list_articles(conn, archived=archived, tag=_plain(tag, "tag"))
    rated = ratings.tallies(conn)
    return [
        ArticleSummary.of(article, RatingCounts.of(rated.get(article.id, Tally())))
        for article in found
    ]


@router.post("/articles", status_code=status.HTTP_201_CREATED)
def create_article(
    body: ArticleIn,
    supporter: CurrentSupporter,
    conn: DbConn,
    tasks: BackgroundTasks,
    indexer: KbIndexer,
) -> ArticleOut:
    """Write a new article (version 1); search finds it once it is embedded, in seconds."""
    article = service.create(conn, content=body.content(), by=supporter.id)
    _reindex(tasks, indexer)
    return ArticleOut.of(article)


@router.get("/articles/{article_id}")
def get_article(article_id: uuid.UUID, _: CurrentSupporter, conn: DbConn) -> ArticleOut:
    """The article as it is now."""
    return ArticleOut.of(service.get(conn, article_id))


@router.put("/articles/{article_id}")
def update_article(
    article_id: uuid.UUID,
    body: ArticleUpdate,
    supporter: CurrentSupporter,
    conn: DbConn,
    tasks: BackgroundTasks,
    indexer: KbIndexer,
) -> ArticleOut:
    """Save an edit of `version`; 409 if someone saved a newer one meanwhile."""
    article = service.update(
        conn, article_id, content=body.content(), version=body.version, by=supporter.id
    )
    _reindex(tasks, indexer)
    return ArticleOut.of(article)


@router.post("/articles/{article_id}/archive")
def archive_article(article_id: uuid.UUID, supporter: CurrentSupporter, conn: DbConn) -> ArticleOut:
    """Hide the article from search at once (a new version; restore brings it back)."""
    return ArticleOut.of(service.archive(conn, article_id, by=supporter.id))


@router.post("/articles/{article_id}/restore")
def restore_article(
    article_id: uuid.UUID,
    supporter: CurrentSupporter,
    conn: DbConn,
    tasks: BackgroundTasks,
    indexer: KbIndexer,
) -> ArticleOut:
    """Make an archived article searchable again (a new version, embedded in seconds)."""
    article = service.restore(conn, article_id, by=supporter.id)
    _reindex(tasks, indexer)
    return ArticleOut.of(article)


@router.get("/articles/{article_id}/versions")
def article_versions(article_id: uuid.UUID, _: CurrentSupporter, conn: DbConn) -> list[VersionOut]:
    """Every saved version, newest first."""
    service.get(conn, article_id)
    return [VersionOut.of(saved) for saved in repository.versions(conn, article_id)]


@router.get("/search")
def search_articles(
    q: Annotated[str, Query(min_length=1, max_length=1000)],
    _: CurrentSupporter,
    conn: DbConn,
    embedder: KbEmbedder,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    text_weight: Annotated[float, Query(ge=0, le=1)] = TEXT_WEIGHT,
) -> SearchOut:
    """The passages that best answer `q`, with their vector, text and fused scores.

    `text_weight` (0-1) is how much matching words count against meaning: by default
    as the assistant weighs them; the editor's search box asks for 1.
    """
    started = time.perf_counter()
    hits = search(conn, embedder, _plain(q, "q") or "", limit, text_weight=text_weight)
    took = (time.perf_counter() - started) * 1000
    return SearchOut(
        query=q, embedder=embedder.name, took_ms=round(took, 1), hits=[HitOut.of(h) for h in hits]
    )
