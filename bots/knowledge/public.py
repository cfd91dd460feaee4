"""Published articles for anyone: the assistant links the sources of its answers here.

Only what a customer may read: an article that is not archived, as its latest
version. No sign-in, as help-centre pages are public.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel

from bots.knowledge import repository
from bridge.api.deps import DbConn

router = APIRouter(prefix="/api/help")

Slug = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[a-z0-9][a-z0-9-]*$")]


class PublicArticle(BaseModel):
    """An article as customers read it."""

    slug: str
    title: str
    body: str
    language: str
    updated_at: datetime


@router.get("/articles/{slug}")
def published_article(slug: Slug, conn: DbConn) -> PublicArticle:
    """The article with this slug; 404 when there is none or it is archived."""
    article = repository.get_by_slug(conn, slug)
    if article is None or article.archived:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such article")
    return PublicArticle(
        slug=article.slug,
        title=article.content.title,
        body=article.content.body,
        language=article.content.language,
        updated_at=article.updated_at,
    )
