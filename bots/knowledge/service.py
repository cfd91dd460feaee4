"""The knowledge base's actions: create, edit, archive, restore, import; each save a version.

A save that changes nothing adds no version. Every other save makes the
article stale (its chunks belong to an older version) until the indexer has
embedded it; archiving removes its chunks at once, so search stops finding it
in the same transaction.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Literal

from sqlalchemy import Connection

from bots.knowledge import repository
from bots.knowledge.repository import Article, Content

Outcome = Literal["created", "updated", "unchanged"]
SLUG_WORDS = re.compile(r"[^a-z0-9]+")
UMLAUTS: dict[str, str | int | None] = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


class ArticleNotFound(Exception):
    """No article has this id."""


class VersionConflict(Exception):
    """The article was saved by someone else since the editor loaded it."""


def slug_for(title: str) -> str:
    """A readable URL name from a title: `Akku lädt nicht` -> `akku-laedt-nicht`."""
    german = title.lower().translate(str.maketrans(UMLAUTS))
    ascii_only = unicodedata.normalize("NFKD", german).encode("ascii", "ignore").decode()
    return SLUG_WORDS.sub("-", ascii_only).strip("-")[:80].strip("-") or "article"


def create(conn: Connection, *, content: Content, by: uuid.UUID | None) -> Article:
    """A new article with a slug made from its title (numbered if taken)."""
    base = slug_for(content.title)
    slug, number = base, 1
    while repository.slug_taken(conn, slug):
        number += 1
        slug = f"{base}-{number}"
    return _get(conn, repository.insert_article(conn, slug=slug, content=content, by=by))


def update(
    conn: Connection, article_id: uuid.UUID, *, content: Content, version: int, by: uuid.UUID | None
) -> Article:
    """Save the editor's text over `version`; a newer stored version is a conflict."""
    article = _locked(conn, article_id)
    if article.version != version:
        by_whom = f" by {article.updated_by_name}" if article.updated_by_name else ""
        raise VersionConflict(
            f"the article was changed since you loaded it (you edited version {version}, it is "
            f"now version {article.version}{by_whom}); reload it and apply your edit again"
        )
    return _save(conn, article, content=content, archived=article.archived, by=by)


def archive(conn: Connection, article_id: uuid.UUID, *, by: uuid.UUID | None) -> Article:
    """Hide the article from search (kept, with its history, to be restored)."""
    article = _locked(conn, article_id)
    repository.delete_chunks(conn, article_id)
    return _save(conn, article, content=article.content, archived=True, by=by)


def restore(conn: Connection, article_id: uuid.UUID, *, by: uuid.UUID | None) -> Article:
    """Make an archived article searchable again (once the indexer has embedded it)."""
    article = _locked(conn, article_id)
    return _save(conn, article, content=article.content, archived=False, by=by)


def import_article(conn: Connection, *, slug: str, content: Content) -> Outcome:
    """Create or update the article with this slug from a file (a new version only if changed)."""
    article = repository.get_by_slug(conn, slug)
    if article is None:
        repository.insert_article(conn, slug=slug, content=content, by=None)
        return "created"
    article = _locked(conn, article.id)
    saved = _save(conn, article, content=content, archived=article.archived, by=None)
    return "unchanged" if saved.version == article.version else "updated"


def get(conn: Connection, article_id: uuid.UUID) -> Article:
    """The article; ArticleNotFound otherwise."""
    return _get(conn, article_id)


def _save(
    conn: Connection, article: Article, *, content: Content, archived: bool, by: uuid.UUID | None
) -> Article:
    if content == article.content and archived == article.archived:
        return article
    repository.save_version(
        conn, article.id, version=article.version + 1, content=content, archived=archived, by=by
    )
    return _get(conn, article.id)


def _locked(conn: Connection, article_id: uuid.UUID) -> Article:
    article = repository.get(conn, article_id, for_update=True)
    if article is None:
        raise ArticleNotFound("no such article")
    return article


def _get(conn: Connection, article_id: uuid.UUID) -> Article:
    article = repository.get(conn, article_id)
    if article is None:
        raise ArticleNotFound("no such article")
    return article
