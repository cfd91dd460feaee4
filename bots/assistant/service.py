"""The assistant's action for one customer message: search, decide, answer or hand over, log.

The same function serves `POST /api/bot/messages` and (later) the assistant
in a chat's room: it takes a connection, the embedder, the message cipher and
the question, and returns the reply; the caller's transaction commits the
decision log row with whatever else it does. It blocks (search, LLM): an
asyncio caller runs it in a worker thread.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection

from bots.assistant import repository
from bots.assistant.answer import Source, extractive
from bots.assistant.confidence import Calibration
from bots.assistant.decide import Decision, Reason, after_llm, decide
from bots.assistant.generate import Outcome, write
from bots.assistant.llm import Llm
from bots.assistant.retrieval import retrieve
from bots.embedding import Embedder
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
    calibration: Calibration | None = None,
    llm: Llm | None = None,
    on_part: Callable[[str], None] | None = None,
) -> Reply:
    """Answer from the knowledge base or hand over; log the decision with its scores.

    Without an `llm` the answer is the best passage itself; with one, the LLM
    writes it from the passages. `on_part` gets each message for the customer
    as soon as it may be sent, in this thread: the LLM's paragraphs one by
    one, then the handover sentence if a person takes over. The reply's
    `answer` is all of them joined.
    """
    started = time.perf_counter()
    hits, ranked = retrieve(conn, embedder, question, PASSAGES)
    decision = decide(
        question,
        hits,
        ranked,
        pressed_person_button=pressed_person_button,
        down_ratings=down_ratings,
        calibration=calibration,
    )
    sent: list[str] = []

    def send(part: str) -> None:
        sent.append(part)
        if on_part is not None:
            on_part(part)

    decision, sources = _answer(question, decision, llm, send)
    if decision.handed_off:
        send(HANDOVER_TEXT[detect(question)])
    reply = Reply(
        "\n\n".join(sent),
        sources,
        decision.handed_off,
        decision.reason,
        uuid.uuid4(),
        decision.scores,
    )
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


def _answer(
    question: str, decision: Decision, llm: Llm | None, send: Callable[[str], None]
) -> tuple[Decision, list[Source]]:
    """Send the answer's parts; the decision after writing it, and the articles it cites."""
    if decision.handed_off:
        return decision, []
    if llm is None:
        answer = extractive(question, decision.hits)
        send(answer.text)
        return decision, answer.sources
    written = write(llm, question=question, hits=decision.hits, on_part=send)
    after = after_llm(
        decision,
        available=written.outcome is not Outcome.UNAVAILABLE,
        abstained=written.outcome is Outcome.ABSTAINED,
        blocked=written.outcome is Outcome.BLOCKED,
    )
    return after, written.sources
