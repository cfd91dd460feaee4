"""All SQL of the knowledge base's articles and chunks (search has its own: `search.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Row, delete, func, insert, select, text, update

from bots.knowledge.chunks import Chunk
from bots.knowledge.tables import kb_article_versions, kb_articles, kb_chunks
from bridge.db import users


@dataclass(frozen=True)
class Content:
    """What an editor writes: everything of an article that has versions."""

    title: str
    body: str
    language: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """An article as it is now."""

    id: uuid.UUID
    slug: str
    content: Content
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime
    updated_by: uuid.UUID | None
    updated_by_name: str | None


@dataclass(frozen=True)
class ArticleVersion:
    """One saved state of an article."""

    version: int
    content: Content
    archived: bool
    updated_at: datetime
    updated_by: uuid.UUID | None
    updated_by_name: str | None


def _content(row: Row[Any]) -> Content:
    return Content(row.title, row.body, row.language, tuple(row.tags))


def _article(row: Row[Any]) -> Article:
    return Article(
        id=row.id,
        slug=row.slug,
        content=_content(row),
        version=row.version,
        archived=row.archived,
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        updated_by_name=row.display_name,
    )


_ARTICLES = select(kb_articles, users.c.display_name).outerjoin(
    users, users.c.id == kb_articles.c.updated_by
)


def get(conn: Connection, article_id: uuid.UUID, *, for_update: bool = False) -> Article | None:
    """The article, or None; `for_update` locks it until the transaction ends."""
    query = _ARTICLES.where(kb_articles.c.id == article_id)
    if for_update:
        query = query.with_for_update(of=kb_articles)
    row = conn.execute(query).first()
    return _article(row) if row else None


def get_by_slug(conn: Connection, slug: str) -> Article | None:
    """The article with this slug, or None."""
    row = conn.execute(_ARTICLES.where(kb_articles.c.slug == slug)).first()
    return _article(row) if row else None


def slug_taken(conn: Connection, slug: str) -> bool:
    """Whether an article has this slug."""
    return (
        conn.execute(select(kb_articles.c.id).where(kb_articles.c.slug == slug)).first() is not None
    )


def list_articles(
    conn: Connection, *, archived: bool | None = None, tag: str | None = None
) -> list[Article]:
    """Articles by title; `archived` True or False keeps only those, `tag` only those tagged."""
    query = _ARTICLES.order_by(func.lower(kb_articles.c.title), kb_articles.c.slug)
    if archived is not None:
        query = query.where(kb_articles.c.archived.is_(archived))
    if tag is not None:
        query = query.where(kb_articles.c.tags.any(tag))
    return [_article(row) for row in conn.execute(query)]


def insert_article(
    conn: Connection, *, slug: str, content: Content, by: uuid.UUID | None
) -> uuid.UUID:
    """Store a new article as version 1 (and that version); return its id."""
    article_id = uuid.uuid4()
    now = conn.execute(select(func.now())).scalar_one()
    conn.execute(
        insert(kb_articles).values(
            id=article_id,
            slug=slug,
            **_columns(content),
            version=1,
            archived=False,
            created_at=now,
            updated_at=now,
            updated_by=by,
        )
    )
    _insert_version(conn, article_id, 1, content, archived=False, by=by, at=now)
    return article_id


def save_version(
    conn: Connection,
    article_id: uuid.UUID,
    *,
    version: int,
    content: Content,
    archived: bool,
    by: uuid.UUID | None,
) -> None:
    """Make `version` the article's current state, kept in its history too."""
    now = conn.execute(select(func.now())).scalar_one()
    conn.execute(
        update(kb_articles)
        .where(kb_articles.c.id == article_id)
        .values(
            **_columns(content), version=version, archived=archived, updated_at=now, updated_by=by
        )
    )
    _insert_version(conn, article_id, version, content, archived=archived, by=by, at=now)


def _columns(content: Content) -> dict[str, Any]:
    return {
        "title": content.title,
        "body": content.body,
        "language": content.language,
        "tags": list(content.tags),
    }


def _insert_version(
    conn: Connection,
    article_id: uuid.UUID,
    version: int,
    content: Content,
    *,
    archived: bool,
    by: uuid.UUID | None,
    at: datetime,
) -> None:
    conn.execute(
        insert(kb_article_versions).values(
            article_id=article_id,
            version=version,
            **_columns(content),
            archived=archived,
            updated_by=by,
            updated_at=at,
        )
    )


def versions(conn: Connection, article_id: uuid.UUID) -> list[ArticleVersion]:
    """Every saved state of the article, newest first."""
    query = (
        select(kb_article_versions, users.c.display_name)
        .outerjoin(users, users.c.id == kb_article_versions.c.updated_by)
        .where(kb_article_versions.c.article_id == article_id)
        .order_by(kb_article_versions.c.version.desc())
    )
    return [
        ArticleVersion(
            version=row.version,
            content=_content(row),
            archived=row.archived,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
            updated_by_name=row.display_name,
        )
        for row in conn.execute(query)
    ]


def stale(conn: Connection, embedder: str, limit: int = 20) -> list[Article]:
    """Live articles whose current version has no chunks by this embedder, oldest edit first."""
    rows = conn.execute(
        _ARTICLES.where(
            kb_articles.c.archived.is_(False),
            ~select(kb_chunks.c.id)
            .where(
                kb_chunks.c.article_id == kb_articles.c.id,
                kb_chunks.c.article_version == kb_articles.c.version,
                kb_chunks.c.embedder == embedder,
            )
            .exists(),
        )
        .order_by(kb_articles.c.updated_at)
        .limit(limit)
    )
    return [_article(row) for row in rows]


def replace_chunks(
    conn: Connection,
    article_id: uuid.UUID,
    *,
    version: int,
    embedder: str,
    chunks: Sequence[Chunk],
    vectors: NDArray[np.float32],
) -> bool:
    """Put these chunks in place of all the article's chunks, if it is still at `version`.

    False (and nothing written) when the article changed or was archived while
    its chunks were embedded: it is stale again and indexed anew.
    """
    current = get(conn, article_id, for_update=True)
    if current is None or current.version != version or current.archived:
        return False
    delete_chunks(conn, article_id)
    conn.execute(
        text(
            "INSERT INTO kb_chunks (article_id, article_version, position, heading, text,"
            " language, embedder, embedding, kind) VALUES (:article_id, :version, :position,"
            " :heading, :text, :language, :embedder, CAST(:embedding AS vector), :kind)"
        ),
        [
            {
                "article_id": article_id,
                "version": version,
                "position": chunk.position,
                "heading": chunk.heading,
                "text": chunk.text,
                "language": current.content.language,
                "embedder": embedder,
                "embedding": vector_literal(row),
                "kind": chunk.kind,
            }
            for chunk, row in zip(chunks, vectors, strict=True)
        ],
    )
    return True


def delete_chunks(conn: Connection, article_id: uuid.UUID) -> None:
    """Remove the article's chunks (an archived article is not searched)."""
    conn.execute(delete(kb_chunks).where(kb_chunks.c.article_id == article_id))


def chunk_count(conn: Connection, article_id: uuid.UUID | None = None) -> int:
    """How many chunks are stored (of one article, or in all)."""
    query = select(func.count()).select_from(kb_chunks)
    if article_id is not None:
        query = query.where(kb_chunks.c.article_id == article_id)
    return int(conn.execute(query).scalar_one())


def vector_literal(row: NDArray[np.float32]) -> str:
    """A vector as pgvector's text input reads it: `[0.1,0.2,...]`."""
    return "[" + ",".join(repr(float(x)) for x in row) + "]"
