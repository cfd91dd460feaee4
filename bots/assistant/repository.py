"""All SQL of the assistant: its decision log."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from bridge.messages.crypto import MessageCipher, Sealed

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
            question=cipher.open(
                Sealed(row.key_id, bytes(row.nonce), bytes(row.question_ciphertext)),
                chat_id=row.id,
                message_id="assistant-question",
            ),
            action=row.action,
            reason=row.reason,
            scores=row.scores,
            article_ids=list(row.article_ids),
            latency_ms=float(row.latency_ms),
            created_at=row.created_at,
        )
        for row in rows
    ]
