"""Customers' thumbs up or down on the assistant's answers, and what they say per article.

An answer's id is its decision-log id (the room bot sends it with the answer).
Only the customer of the answer's chat rates it, once, changeably; `None`
takes the rating back. Each rating counts for every source article of the
answer. Down-rated answers since the last handover make the assistant hand
the chat to a person (`decide.DOWN_RATINGS_TO_HAND_OVER`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection

from bots.assistant import repository
from bots.assistant.decide import Action
from bots.assistant.repository import DownRated, Tally
from bridge.accounts.repository import User
from bridge.messages.crypto import MessageCipher

Rating = Literal["up", "down"]
LATEST_DOWN_RATED = 5  # questions the editor shows per article: enough to see a pattern


class AnswerNotFound(LookupError):
    """No such answer, or not one in a chat of this customer."""


class NotAnAnswer(ValueError):
    """The message handed the chat over; only answers are rated."""


@dataclass(frozen=True)
class ArticleRatings:
    """An article's ups and downs and the latest questions whose answers were rated down."""

    tally: Tally
    down_rated: list[DownRated]


def rate(conn: Connection, *, answer_id: uuid.UUID, customer: User, rating: Rating | None) -> None:
    """Rate an answer of this customer's chat up or down, or take the rating back (None)."""
    found = repository.rateable(conn, answer_id)
    if found is None or found.customer_id != customer.id:
        raise AnswerNotFound("no such answer in your chats")
    if found.action != Action.ANSWER:
        raise NotAnAnswer("only answers can be rated, not a handover to a person")
    if rating is None:
        repository.delete_rating(conn, answer_id)
    else:
        repository.set_rating(conn, answer_id, rating)


def down_rated_in_chat(conn: Connection, chat_id: uuid.UUID) -> int:
    """Down-rated answers in the chat since the assistant last handed it over.

    Counting from the last handover lets a chat handed back to the assistant
    start afresh instead of being handed over again at once.
    """
    return repository.down_rated_since_handover(conn, chat_id)


def tallies(conn: Connection) -> dict[uuid.UUID, Tally]:
    """Ups and downs per article, for every article that was a rated answer's source."""
    return repository.tallies(conn)


def for_article(conn: Connection, cipher: MessageCipher, article_id: uuid.UUID) -> ArticleRatings:
    """An article's figures and its latest down-rated questions, decrypted."""
    return ArticleRatings(
        repository.tallies(conn, article_id=article_id).get(article_id, Tally()),
        repository.down_rated(conn, cipher, article_id=article_id, limit=LATEST_DOWN_RATED),
    )
