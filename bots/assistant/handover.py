"""What the supporters read when the assistant hands a chat over: why, and what was asked.

The supporter who takes the chat sees its whole history in the room; this is
the line in the queue's announcement that tells them, before they take it,
what the customer wants and why the assistant stopped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Role = Literal["customer", "assistant", "supporter"]
ROLES: dict[str, Role] = {
    "customer": "customer",
    "assistant": "assistant",
    "supporter": "supporter",
}

ASKED_BY_BUTTON = "asked_for_person"
REASONS = {
    "asked_for_person": "The customer asked for a person.",
    "low_confidence": "The knowledge base does not answer the question.",
    "down_rated": "The customer rated two answers as unhelpful.",
    "llm_unavailable": "The language model did not answer in time.",
    "llm_abstained": "The language model found no answer in the sources.",
    "output_blocked": "The answer was held back by the safety check.",
}
QUESTIONS_SHOWN = 3
QUOTE_CHARACTERS = 140


@dataclass(frozen=True)
class Said:
    """One message of the conversation, by role."""

    role: Role
    text: str


def said_of(row: Mapping[str, object]) -> Said | None:
    """A logged message (`messages.list_for_chat`) as `Said`, or None for notices and unreadable."""
    role = ROLES.get(str(row.get("kind")))
    if role is None or not row.get("readable", True):
        return None
    text = " ".join(str(row.get("body") or "").split())
    return Said(role, text) if text else None


def summary(conversation: Sequence[Said], reason: str) -> str:
    """Why the chat was handed over, the customer's latest questions, and how many were answered."""
    questions = [said.text for said in conversation if said.role == "customer"]
    answers = sum(1 for said in conversation if said.role == "assistant")
    parts = [REASONS.get(reason, f"Reason: {reason}.")]
    if questions:
        shown = " · ".join(_quote(text) for text in questions[-QUESTIONS_SHOWN:])
        parts.append(f"Customer wrote: {shown}")
    if answers:
        parts.append(f"The assistant answered {answers} message{'s' if answers > 1 else ''}.")
    return " ".join(parts)


def _quote(text: str) -> str:
    clipped = text if len(text) <= QUOTE_CHARACTERS else text[: QUOTE_CHARACTERS - 1] + "…"
    return f"“{clipped}”"
