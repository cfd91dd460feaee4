"""Routes of answer ratings: a customer rates an answer; the KB editor reads an article's."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from bots.assistant import ratings
from bots.assistant.endpoints import refuse_flood
from bots.assistant.schemas import ArticleRatingsOut, RatingIn
from bots.knowledge import service as knowledge
from bridge.accounts.throttle import RequestThrottle
from bridge.api.deps import Cipher, CurrentSupporter, CurrentUser, DbConn

router = APIRouter()

# A customer clicks a thumb now and then, and may change their mind; more is a script.
RATINGS_PER_MINUTE = 30
throttle = RequestThrottle(f"{RATINGS_PER_MINUTE}/minute")


@router.post("/api/messages/{answer_id}/rating", status_code=status.HTTP_204_NO_CONTENT)
def rate_answer(answer_id: uuid.UUID, body: RatingIn, customer: CurrentUser, conn: DbConn) -> None:
    """Thumbs up or down for an assistant answer in the customer's chat; `null` takes it back.

    404 for an answer outside the caller's chats, 422 for a handover, 429 with
    Retry-After after RATINGS_PER_MINUTE ratings of one user in a minute.
    """
    refuse_flood(throttle, str(customer.id), "too many ratings")
    ratings.rate(conn, answer_id=answer_id, customer=customer, rating=body.rating)


@router.get("/api/kb/articles/{article_id}/ratings")
def article_ratings(
    article_id: uuid.UUID, _: CurrentSupporter, conn: DbConn, cipher: Cipher
) -> ArticleRatingsOut:
    """How customers rated answers from this article, and its latest down-rated questions."""
    knowledge.get(conn, article_id)  # 404 for an unknown article
    return ArticleRatingsOut.of(article_id, ratings.for_article(conn, cipher, article_id))
