"""All SQL of the assistant: its decision log and the customers' ratings of its answers."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, text

from bridge.messages.crypto import MessageCipher, Sealed, UnreadableMessage

INSERT_SQL = """
INSERT INTO assistant_decisions
    (id, chat_id, question_ciphertext, nonce, key_id, action, reason, scores, article_ids,
     latency_ms)
VALUES (:id, :chat_id, :ciphertext, :nonce, :key_id, :action, :reason, CAST(:scores AS jsonb),
        CAST(:article_ids AS uuid[]), :latency_ms)
"""


@dataclass(frozen=True)
class LoggedDecision:
    """A row of the decision log with its question decrypted."""

    id: uuid.UUID
    chat_id: uuid.UUID | None
    question: str
    action: str
    reason: str
    scores: dict[str, Any]
    article_ids: list[uuid.UUID]
    latency_ms: float
    created_at: datetime


def seal_question(cipher: MessageCipher, question: str, *, decision_id: uuid.UUID) -> Sealed:
    """The question encrypted for its decision row (bound to the row's id)."""
    return cipher.seal(question, chat_id=decision_id, message_id="assistant-question")


def open_question(cipher: MessageCipher, sealed: Sealed, *, decision_id: uuid.UUID) -> str:
    """The question of a decision row; raises `UnreadableMessage` if it is not that row's."""
    return cipher.open(sealed, chat_id=decision_id, message_id="assistant-question")


def _sealed(row: Row[Any]) -> Sealed:
    return Sealed(row.key_id, bytes(row.nonce), bytes(row.question_ciphertext))


def insert_decision(
    conn: Connection,
    *,
    decision_id: uuid.UUID,
    chat_id: uuid.UUID | None,
    sealed: Sealed,
    action: str,
    reason: str,
    scores: dict[str, Any],
    article_ids: list[uuid.UUID],
    latency_ms: float,
) -> None:
    """Log one decision."""
    conn.execute(
        text(INSERT_SQL),
        {
            "id": decision_id,
            "chat_id": chat_id,
            "ciphertext": sealed.ciphertext,
            "nonce": sealed.nonce,
            "key_id": sealed.key_id,
            "action": action,
            "reason": reason,
            "scores": json.dumps(scores),
            "article_ids": [str(article) for article in article_ids],
            "latency_ms": latency_ms,
        },
    )


def decisions(
    conn: Connection, cipher: MessageCipher, *, chat_id: uuid.UUID | None = None, limit: int = 100
) -> list[LoggedDecision]:
    """The newest decisions (of one chat if given), questions decrypted."""
    rows = conn.execute(
        text(
            "SELECT * FROM assistant_decisions"
            " WHERE CAST(:chat_id AS uuid) IS NULL OR chat_id = :chat_id"
            " ORDER BY created_at DESC, id LIMIT :limit"
        ),
        {"chat_id": chat_id, "limit": limit},
    )
    return [
        LoggedDecision(
            id=row.id,
            chat_id=row.chat_id,
            question=open_question(cipher, _sealed(row), decision_id=row.id),
            action=row.action,
            reason=row.reason,
            scores=row.scores,
            article_ids=list(row.article_ids),
            latency_ms=float(row.latency_ms),
            created_at=row.created_at,
        )
        for row in rows
    ]


def reencrypt_questions(
    conn: Connection, cipher: MessageCipher, *, after_id: uuid.UUID | None = None, batch: int = 500
) -> tuple[int, uuid.UUID | None]:
    """Move a batch of logged questions sealed with older keys to the current key.

    Returns how many moved and the last id looked at (None when nothing is left).
    """
    rows = conn.execute(
        text(
            "SELECT id, key_id, nonce, question_ciphertext FROM assistant_decisions"
            " WHERE key_id <> :current AND (CAST(:after AS uuid) IS NULL OR id > :after)"
            " ORDER BY id LIMIT :batch FOR UPDATE"
        ),
        {"current": cipher.store.ring().current_id, "after": after_id, "batch": batch},
    ).all()
    moved = 0
    for row in rows:
        try:
            question = open_question(cipher, _sealed(row), decision_id=row.id)
        except UnreadableMessage:
            continue  # left as it is: re-encrypting cannot repair it
        sealed = seal_question(cipher, question, decision_id=row.id)
        conn.execute(
            text(
                "UPDATE assistant_decisions SET question_ciphertext = :ciphertext,"
                " nonce = :nonce, key_id = :key_id WHERE id = :id"
            ),
            {
                "id": row.id,
                "ciphertext": sealed.ciphertext,
                "nonce": sealed.nonce,
                "key_id": sealed.key_id,
            },
        )
        moved += 1
    return moved, (rows[-1].id if rows else None)


@dataclass(frozen=True)
class Rateable:
    """What decides whether someone may rate a logged decision."""

    action: str
    customer_id: uuid.UUID | None  # None once the chat is archived, or without a chat


@dataclass(frozen=True)
class Tally:
    """How often customers rated answers up and down."""

    up: int = 0
    down: int = 0


@dataclass(frozen=True)
class DownRated:
    """A question whose answer a customer rated down, and when."""

    question: str
    rated_at: datetime


@dataclass(frozen=True)
class ChatRating:
    """A customer's rating of one answer in their chat."""

    answer_id: uuid.UUID
    rating: str
    rated_at: datetime


def chat_ratings(conn: Connection, chat_id: uuid.UUID) -> list[ChatRating]:
    """The ratings of a chat's answers, oldest first (for the archive)."""
    rows = conn.execute(
        text(
            "SELECT r.decision_id, r.rating, r.updated_at FROM assistant_ratings r"
            " JOIN assistant_decisions d ON d.id = r.decision_id"
            " WHERE d.chat_id = :chat_id ORDER BY r.updated_at, r.decision_id"
        ),
        {"chat_id": chat_id},
    )
    return [ChatRating(row.decision_id, row.rating, row.updated_at) for row in rows]


def rateable(conn: Connection, decision_id: uuid.UUID) -> Rateable | None:
    """The decision's action and its chat's customer; None for an unknown id."""
    row = conn.execute(
        text(
            "SELECT d.action, c.customer_id FROM assistant_decisions d"
            " LEFT JOIN chats c ON c.id = d.chat_id WHERE d.id = :id"
        ),
        {"id": decision_id},
    ).first()
    return Rateable(row.action, row.customer_id) if row is not None else None


def set_rating(conn: Connection, decision_id: uuid.UUID, rating: str) -> None:
    """Rate an answer "up" or "down"; a changed rating takes the time of the change."""
    conn.execute(
        text(
            "INSERT INTO assistant_ratings (decision_id, rating) VALUES (:id, :rating)"
            " ON CONFLICT (decision_id) DO UPDATE"
            " SET rating = EXCLUDED.rating, updated_at = now()"
            " WHERE assistant_ratings.rating <> EXCLUDED.rating"
        ),
        {"id": decision_id, "rating": rating},
    )


def delete_rating(conn: Connection, decision_id: uuid.UUID) -> None:
    """Take an answer's rating back (nothing happens if it had none)."""
    conn.execute(text("DELETE FROM assistant_ratings WHERE decision_id = :id"), {"id": decision_id})


def down_rated_since_handover(conn: Connection, chat_id: uuid.UUID) -> int:
    """Down-rated answers in a chat after the assistant last handed it over."""
    count = conn.execute(
        text(
            "SELECT count(*) FROM assistant_ratings r"
            " JOIN assistant_decisions d ON d.id = r.decision_id"
            " WHERE d.chat_id = :chat_id AND r.rating = 'down' AND d.created_at > coalesce("
            "   (SELECT max(created_at) FROM assistant_decisions"
            "    WHERE chat_id = :chat_id AND action = 'hand_over'), '-infinity')"
        ),
        {"chat_id": chat_id},
    ).scalar_one()
    return int(count)


def tallies(conn: Connection, *, article_id: uuid.UUID | None = None) -> dict[uuid.UUID, Tally]:
    """Ups and downs of the answers each article was a source of (of one article if given)."""
    rows = conn.execute(
        text(
            "SELECT a.article_id,"
            "  count(*) FILTER (WHERE r.rating = 'up') AS up,"
            "  count(*) FILTER (WHERE r.rating = 'down') AS down"
            " FROM assistant_ratings r JOIN assistant_decisions d ON d.id = r.decision_id"
            " CROSS JOIN LATERAL (SELECT DISTINCT unnest(d.article_ids)) AS a (article_id)"
            " WHERE CAST(:article_id AS uuid) IS NULL OR a.article_id = :article_id"
            " GROUP BY a.article_id"
        ),
        {"article_id": article_id},
    )
    return {row.article_id: Tally(int(row.up), int(row.down)) for row in rows}


def down_rated(
    conn: Connection, cipher: MessageCipher, *, article_id: uuid.UUID, limit: int
) -> list[DownRated]:
    """The latest questions whose answers from this article were rated down, decrypted."""
    rows = conn.execute(
        text(
            "SELECT d.id, d.key_id, d.nonce, d.question_ciphertext, r.updated_at"
            " FROM assistant_ratings r JOIN assistant_decisions d ON d.id = r.decision_id"
            " WHERE r.rating = 'down' AND :article_id = ANY (d.article_ids)"
            " ORDER BY r.updated_at DESC, d.id LIMIT :limit"
        ),
        {"article_id": article_id, "limit": limit},
    )
    found = []
    for row in rows:
        try:
            question = open_question(cipher, _sealed(row), decision_id=row.id)
        except UnreadableMessage:
            continue  # its key left the ring: nothing to show, never a guess
        found.append(DownRated(question, row.updated_at))
    return found
