"""The assistant's action for one customer message: search, decide, answer or hand over, log.

The same function serves `POST /api/bot/messages` and (later) the assistant
in a chat's room: it takes a connection, the embedder, the message cipher and
the question, and returns the reply; the caller's transaction commits the
decision log row with whatever else it does.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Connection

from bots.assistant import repository
from bots.assistant.answer import Source, extractive
from bots.assistant.confidence import DEFAULT, Calibration
from bots.assistant.decide import Decision, Reason, decide
from bots.embedding import Embedder
from bots.knowledge.search import search
from bots.suggestions.language import detect
from bridge.messages.crypto import MessageCipher

PASSAGES = 10  # hits searched for one question: enough to see the runner-up articles
HANDOVER_TEXT = {
    "de": "Ich verbinde Sie mit einem Mitarbeiter aus unserem Team. Einen Moment bitte.",
    "en": "I am connecting you with a person from our team. One moment, please.",
}


@dataclass(frozen=True)
class Reply:
    """What the customer is told, where it comes from, and whether a person takes over."""

    answer: str
    sources: list[Source]
    handed_off: bool
    reason: Reason
    decision_id: uuid.UUID
    scores: dict[str, float] = field(default_factory=dict)


def respond(
    conn: Connection,
    *,
    embedder: Embedder,
    cipher: MessageCipher,
    question: str,
    chat_id: uuid.UUID | None = None,
    pressed_person_button: bool = False,
    down_ratings: int = 0,
    calibration: Calibration = DEFAULT,
) -> Reply:
    """Answer from the knowledge base or hand over; log the decision with its scores."""
    started = time.perf_counter()
    hits = search(conn, embedder, question, PASSAGES)
    decision = decide(
        question,
        hits,
        pressed_person_button=pressed_person_button,
        down_ratings=down_ratings,
        calibration=calibration,
    )
    reply = _reply(question, decision)
    latency = (time.perf_counter() - started) * 1000
    repository.insert_decision(
        conn,
        decision_id=reply.decision_id,
        chat_id=chat_id,
        sealed=repository.seal_question(cipher, question, decision_id=reply.decision_id),
        action=decision.action.value,
        reason=decision.reason.value,
        scores=decision.scores,
        article_ids=[source.article_id for source in reply.sources]
        or list(dict.fromkeys(hit.article_id for hit in hits[:3])),
        latency_ms=round(latency, 1),
    )
    return reply


def _reply(question: str, decision: Decision) -> Reply:
    decision_id = uuid.uuid4()
    if decision.handed_off:
        text = HANDOVER_TEXT[detect(question)]
        return Reply(text, [], True, decision.reason, decision_id, decision.scores)
    answer = extractive(question, decision.hits)
    return Reply(answer.text, answer.sources, False, decision.reason, decision_id, decision.scores)
