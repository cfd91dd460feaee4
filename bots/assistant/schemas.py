"""Request and response bodies of the assistant's api."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from bots.assistant.answer import Source
from bots.assistant.ratings import ArticleRatings, Rating
from bots.assistant.service import Reply
from bots.knowledge.schemas import RatingCounts
from bridge.api.inputs import Input

MAX_BODY = 2000  # characters: a chat message, not a document


class MessageIn(Input):
    """A customer's message to the assistant, in a chat of theirs or on its own."""

    chat_id: uuid.UUID | None = None
    body: str = Field(max_length=MAX_BODY)
    ask_for_person: bool = Field(False, description="the customer pressed 'talk to a person'")

    @field_validator("body")
    @classmethod
    def _not_blank(cls, body: str) -> str:
        if not body.strip():
            raise ValueError("the message is empty")
        return body


class SourceOut(BaseModel):
    """An article the answer comes from."""

    article_id: uuid.UUID
    slug: str
    title: str
    url: str

    @classmethod
    def of(cls, source: Source) -> SourceOut:
        """From the service's source."""
        return cls(
            article_id=source.article_id, slug=source.slug, title=source.title, url=source.url
        )


class ReplyOut(BaseModel):
    """The assistant's answer with its sources, or the note that a person takes over."""

    id: uuid.UUID = Field(description="the answer's id, to rate it")
    answer: str
    sources: list[SourceOut]
    handed_off: bool
    reason: str

    @classmethod
    def of(cls, reply: Reply) -> ReplyOut:
        """From the service's reply."""
        return cls(
            id=reply.decision_id,
            answer=reply.answer,
            sources=[SourceOut.of(source) for source in reply.sources],
            handed_off=reply.handed_off,
            reason=reply.reason.value,
        )


class RatingIn(Input):
    """Thumbs up or down for an answer, or null to take the rating back."""

    rating: Rating | None = Field(description="null takes the rating back")


class DownRatedOut(BaseModel):
    """A customer's question whose answer they rated down."""

    question: str
    rated_at: datetime


class ArticleRatingsOut(BaseModel):
    """An article's ups and downs and the latest questions rated down, newest first."""

    article_id: uuid.UUID
    ratings: RatingCounts
    down_rated: list[DownRatedOut]

    @classmethod
    def of(cls, article_id: uuid.UUID, found: ArticleRatings) -> ArticleRatingsOut:
        """From the service's figures."""
        return cls(
            article_id=article_id,
            ratings=RatingCounts.of(found.tally),
            down_rated=[
                DownRatedOut(question=item.question, rated_at=item.rated_at)
                for item in found.down_rated
            ],
        )


class HandoverOut(BaseModel):
    """Why the assistant handed a chat over, and the summary the supporters got."""

    reason: str
    summary: str
