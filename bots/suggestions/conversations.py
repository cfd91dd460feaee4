"""Archived chats turned into (question, answer) pairs with the earlier context.

A question is everything the customer wrote since the supporter last spoke; its
answer is the supporter's next message that says more than a greeting. Status
and bot messages are not part of the conversation.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bots.suggestions import language, text

Role = Literal["customer", "supporter"]
BOT_ACCOUNTS = ("assistant@",)  # the RAG assistant speaks in rooms, but it is not a supporter
SHORT_QUESTION_WORDS = 3


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: Role
    text: str


@dataclass(frozen=True)
class ArchivedChat:
    """An archived chat as the training reads it."""

    id: uuid.UUID
    customer_name: str
    assignee_name: str | None
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Pair:
    """A customer question, the supporter's cleaned answer, and what came before."""

    chat_id: uuid.UUID
    question: str
    context: tuple[Turn, ...]
    answer: str
    language: language.Language

    @property
    def model_text(self) -> str:
        """The text the model reads for this question."""
        return model_text(self.question, self.context)


def turn_of(kind: str, sender: str, body: str) -> Turn | None:
    """A logged message as a turn, or None for status, system and bot messages."""
    if kind not in ("customer", "supporter") or sender.startswith(BOT_ACCOUNTS):
        return None
    cleaned = text.normalise_whitespace(body)
    return Turn("customer" if kind == "customer" else "supporter", cleaned) if cleaned else None


def model_text(question: str, context: Sequence[Turn] = ()) -> str:
    """The question, preceded by the customer's previous message when it is very short.

    "And how long?" means little alone; the message before it says what it is about.
    """
    question = text.normalise_whitespace(question)
    if len(question.split()) > SHORT_QUESTION_WORDS:
        return question
    earlier = [turn.text for turn in context if turn.role == "customer"]
    return f"{earlier[-1]}\n{question}" if earlier else question


def pairs_of(chat: ArchivedChat) -> list[Pair]:
    """Every answered question of a chat, in order."""
    names = text.name_parts(chat.customer_name, chat.assignee_name)
    pairs: list[Pair] = []
    asked: list[Turn] = []
    start = 0  # where the current question began
    for index, turn in enumerate(chat.turns):
        if turn.role == "customer":
            start = start if asked else index
            asked.append(turn)
            continue
        if not asked:
            continue  # a supporter's follow-up: the question was already answered
        answer = text.clean_answer(turn.text, names)
        if not answer and _more_from_supporter(chat.turns, index):
            continue  # only a greeting: the answer is in the next message
        question = "\n".join(t.text for t in asked)
        pairs.append(
            Pair(
                chat_id=chat.id,
                question=question,
                context=chat.turns[:start],
                answer=answer or text.with_placeholders(turn.text, names),
                language=language.detect(question),
            )
        )
        asked = []
    return pairs


def _more_from_supporter(turns: Sequence[Turn], index: int) -> bool:
    return index + 1 < len(turns) and turns[index + 1].role == "supporter"
