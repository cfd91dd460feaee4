"""What the suggestions api takes and gives."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bots.suggestions.offers import Offer, Offered
from bots.suggestions.suggester import Suggestion, Suggestions
from bridge.api.inputs import Input


class OfferedOut(BaseModel):
    """A suggestion shown to the supporter; send or rate it by its id."""

    id: int
    rank: int
    text: str
    missing: list[str] = Field(description="placeholders to give as `values` before sending")
    fallback: bool = Field(description="a most used answer standing in for an unsure pick")
    sent: bool = Field(description="the supporter sent it already")
    rating: Literal["up", "down"] | None = Field(description="the supporter's latest rating")

    @classmethod
    def of(cls, item: Offered) -> OfferedOut:
        """The api's view of an offered suggestion."""
        rating = item.handled.rating
        return cls(
            id=item.id,
            rank=item.rank,
            text=item.text,
            missing=list(item.missing),
            fallback=item.fallback,
            sent=item.handled.sent,
            rating="up" if rating == "up" else "down" if rating == "down" else None,
        )


class OfferOut(BaseModel):
    """The latest three suggestions for the supporter in a chat (empty before the first)."""

    chat_id: str
    suggestions: list[OfferedOut]
    fallback: bool = Field(description="the model was unsure about at least one of them")

    @classmethod
    def of(cls, chat_id: str, offer: Offer | None) -> OfferOut:
        """The api's view of an offer."""
        items = [OfferedOut.of(item) for item in offer.items] if offer else []
        return cls(chat_id=chat_id, suggestions=items, fallback=bool(offer and offer.fallback))


class SendIn(Input):
    """Send as suggested (placeholders filled from `values` in order) or as edited."""

    values: list[str] = Field(default_factory=list, max_length=10)
    text: str | None = Field(default=None, min_length=1, max_length=4000)


class SentOut(BaseModel):
    """The reply on its way to the room."""

    reply_id: str


class FeedbackIn(Input):
    """Thumbs up or down, or null to take the rating back."""

    rating: Literal["up", "down"] | None = Field(description="null takes the rating back")


class QueryIn(Input):
    """Any text, as a customer might write it."""

    text: str = Field(min_length=1, max_length=4000)


class ScoredOut(BaseModel):
    """A suggested answer module with the model's score."""

    module_id: int
    text: str
    score: float
    fallback: bool

    @classmethod
    def of(cls, item: Suggestion) -> ScoredOut:
        """The api's view of a suggestion."""
        return cls(
            module_id=item.module_id, text=item.text, score=item.score, fallback=item.fallback
        )


class QueryOut(BaseModel):
    """Three suggestions for the text, or none before the first model is trained."""

    suggestions: list[ScoredOut]
    model_version: int | None

    @classmethod
    def of(cls, found: Suggestions | None) -> QueryOut:
        """The api's view of a model's answer."""
        if found is None:
            return cls(suggestions=[], model_version=None)
        return cls(
            suggestions=[ScoredOut.of(item) for item in found.items],
            model_version=found.model_version,
        )
