"""Routes of suggestions: the supporter's latest three, send one, rate one, ask for any text."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status

from bots.suggestions import offers
from bots.suggestions.live_model import LiveModel
from bots.suggestions.schemas import (
    FeedbackIn,
    OfferOut,
    QueryIn,
    QueryOut,
    SendIn,
    SentOut,
)
from bridge.api.deps import Cipher, CurrentSupporter, DbConn
from bridge.chats import repository as chats
from bridge.chats.service import ChatNotFound

router = APIRouter()


@router.get("/api/chats/{chat_id}/suggestions")
def latest_suggestions(
    chat_id: uuid.UUID, supporter: CurrentSupporter, conn: DbConn, cipher: Cipher
) -> OfferOut:
    """The three suggestions the supporter was offered last in this chat, filled in."""
    if chats.get(conn, chat_id) is None:
        raise ChatNotFound("no such chat")
    offer = offers.latest(conn, cipher, chat_id=chat_id, supporter=supporter)
    return OfferOut.of(str(chat_id), offer)


@router.post("/api/suggestions/{suggestion_id}/send", status_code=status.HTTP_202_ACCEPTED)
def send_suggestion(
    suggestion_id: int, body: SendIn, supporter: CurrentSupporter, conn: DbConn, cipher: Cipher
) -> SentOut:
    """Send it to the customer under the supporter's name (as suggested, or as edited)."""
    reply_id = offers.send(
        conn,
        cipher,
        suggestion_id=suggestion_id,
        supporter=supporter,
        values=[value.strip() for value in body.values],
        edited=body.text.strip() if body.text else None,
    )
    return SentOut(reply_id=reply_id)


@router.post("/api/suggestions/{suggestion_id}/feedback", status_code=status.HTTP_204_NO_CONTENT)
def rate_suggestion(
    suggestion_id: int, body: FeedbackIn, supporter: CurrentSupporter, conn: DbConn
) -> None:
    """Thumbs up or down; `null` takes the rating back."""
    offers.rate(conn, suggestion_id=suggestion_id, supporter=supporter, rating=body.rating)


@router.post("/api/suggestions/query")
def query_suggestions(
    body: QueryIn, request: Request, _: CurrentSupporter, conn: DbConn
) -> QueryOut:
    """Three suggestions for any text (integrations, evaluation); none before a model exists."""
    live: LiveModel = request.app.state.suggestions
    model = live.newest(conn)
    return QueryOut.of(model.suggest(body.text, boosts=live.boosts) if model else None)
