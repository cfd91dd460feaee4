"""Archived chats turned into (question, answer) pairs with the earlier context.

A question is everything the customer wrote since the supporter last spoke; its
answer is the longest of the messages the supporter then sent before the
customer spoke again (greetings and sign-offs removed), so "one moment, let me
check" before it and "anything else?" after it are not taken for the answer.
Status and bot messages are not part of the conversation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
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
    """Every answered question of a chat with its answer, in order."""
    names = text.name_parts(chat.customer_name, chat.assignee_name)
    pairs: list[Pair] = []
    for start, asked, replies in _exchanges(chat.turns):
        question = "\n".join(turn.text for turn in asked)
        cleaned = [text.clean_answer(reply.text, names) for reply in replies]
        # The longest reply is the answer: "one moment, let me check" and "anything else?"
        # come around it. Replies that are all courtesy ("Gern geschehen!") stand as written.
        answer = max(cleaned, key=len) or text.with_placeholders(replies[-1].text, names)
        context = chat.turns[:start]
        pairs.append(Pair(chat.id, question, context, answer, language.detect(question)))
    return pairs


def _exchanges(turns: Sequence[Turn]) -> Iterator[tuple[int, list[Turn], list[Turn]]]:
    """Each run of customer messages (with where it starts) and the supporter's run after it."""
    index = 0
    while index < len(turns):
        if turns[index].role != "customer":
            index += 1  # the supporter spoke first, or went on after an answer
            continue
        start = index
        while index < len(turns) and turns[index].role == "customer":
            index += 1
        asked = list(turns[start:index])
        replied = index
        while index < len(turns) and turns[index].role == "supporter":
            index += 1
        if index > replied:
            yield start, asked, list(turns[replied:index])
