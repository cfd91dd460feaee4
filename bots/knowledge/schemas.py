"""What the knowledge-base api takes and gives."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from bots.assistant.repository import Tally
from bots.knowledge.repository import Article, ArticleVersion, Content
from bots.knowledge.search import Hit
from bridge.api.inputs import Input

MAX_BODY = 100_000  # characters of Markdown; a long manual belongs in several articles
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class ArticleIn(Input):
    """An article as the editor saves it."""

    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=MAX_BODY, description="Markdown")
    language: Literal["de", "en"]
    tags: list[Tag] = Field(default_factory=list, max_length=20)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, title: str) -> str:
        if not title.strip():
            raise ValueError("the title must not be blank")
        return title.strip()

    def content(self) -> Content:
        """The article's content, tags in the given order without repeats."""
        return Content(self.title, self.body, self.language, tuple(dict.fromkeys(self.tags)))


class ArticleUpdate(ArticleIn):
    """An edit of the version the editor loaded."""

    version: int = Field(ge=1, description="the version this edit started from")


class Editor(BaseModel):
    """Who saved a version (none: an import)."""

    id: uuid.UUID
    name: str | None


class RatingCounts(BaseModel):
    """How often customers rated the assistant's answers from an article up and down."""

    up: int = Field(0, description="answers from this article rated up")
    down: int = Field(0, description="answers from this article rated down")

    @classmethod
    def of(cls, tally: Tally) -> RatingCounts:
        """The api's view of a tally."""
        return cls(up=tally.up, down=tally.down)


class ArticleHead(BaseModel):
    """What every view of an article shows."""

    id: uuid.UUID
    slug: str
    title: str
    language: str
    tags: list[str]
    version: int
    archived: bool
    updated_at: datetime
    updated_by: Editor | None


class ArticleSummary(ArticleHead):
    """An article in the list, with its customers' ratings."""

    ratings: RatingCounts

    @classmethod
    def of(cls, article: Article, ratings: RatingCounts) -> ArticleSummary:
        """The list's view of an article."""
        return cls(**_summary(article), ratings=ratings)


class ArticleOut(ArticleHead):
    """An article with its Markdown body."""

    body: str
    created_at: datetime

    @classmethod
    def of(cls, article: Article) -> ArticleOut:
        """The api's view of an article."""
        return cls(**_summary(article), body=article.content.body, created_at=article.created_at)


def _summary(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "slug": article.slug,
        "title": article.content.title,
        "language": article.content.language,
        "tags": list(article.content.tags),
        "version": article.version,
        "archived": article.archived,
        "updated_at": article.updated_at,
        "updated_by": _editor(article.updated_by, article.updated_by_name),
    }


def _editor(user_id: uuid.UUID | None, name: str | None) -> Editor | None:
    return Editor(id=user_id, name=name) if user_id else None


class VersionOut(BaseModel):
    """One saved state of an article."""

    version: int
    title: str
    body: str
    language: str
    tags: list[str]
    archived: bool
    updated_at: datetime
    updated_by: Editor | None

    @classmethod
    def of(cls, saved: ArticleVersion) -> VersionOut:
        """The api's view of a version."""
        return cls(
            version=saved.version,
            title=saved.content.title,
            body=saved.content.body,
            language=saved.content.language,
            tags=list(saved.content.tags),
            archived=saved.archived,
            updated_at=saved.updated_at,
            updated_by=_editor(saved.updated_by, saved.updated_by_name),
        )


class Scores(BaseModel):
    """How a passage and its article scored by meaning and by words, and the fused score."""

    vector: float = Field(description="cosine similarity of this passage")
    question: float | None = Field(
        description="cosine similarity of the article's closest example question, if it has any"
    )
    meaning: float = Field(description="the article's: 0.6 best passage + 0.4 best question")
    text: float | None = Field(description="the article's best ts_rank, if it has the words")
    fused: float = Field(description="reciprocal rank fusion of the article's two ranks")
    vector_rank: int = Field(description="the article's rank by meaning")
    text_rank: int | None = Field(description="the article's rank by words")


class HitOut(BaseModel):
    """A passage found for the question."""

    article_id: uuid.UUID
    slug: str
    title: str
    language: str
    heading: str
    position: int
    text: str
    scores: Scores

    @classmethod
    def of(cls, hit: Hit) -> HitOut:
        """The api's view of a search hit."""
        return cls(
            article_id=hit.article_id,
            slug=hit.slug,
            title=hit.title,
            language=hit.language,
            heading=hit.heading,
            position=hit.position,
            text=hit.text,
            scores=Scores(
                vector=hit.vector_score,
                question=hit.question_score,
                meaning=hit.meaning,
                text=hit.text_score,
                fused=hit.fused,
                vector_rank=hit.vector_rank,
                text_rank=hit.text_rank,
            ),
        )


class SearchOut(BaseModel):
    """The best passages for a question, best first."""

    query: str
    embedder: str
    took_ms: float
    hits: list[HitOut]
