"""The support topics of the demo archive, read from `topics.json`.

Each topic has, per language, the ways customers ask about it and the supporters'
answer module with one or two slightly reworded forms of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "en")
TOPICS_FILE = Path(__file__).with_name("topics.json")
MIN_QUESTIONS = 6
MAX_VARIANTS = 2


@dataclass(frozen=True)
class Phrasebook:
    """One topic in one language: question phrasings, the answer and its variants."""

    questions: tuple[str, ...]
    answer: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    """A support topic with a phrasebook per language."""

    id: str
    title: str
    phrasebooks: dict[Language, Phrasebook]

    def phrasebook(self, language: Language) -> Phrasebook:
        """The topic's questions and answers in the given language."""
        return self.phrasebooks[language]


def load_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    """Every topic of the file, in file order; raise ValueError when one is incomplete."""
    data = json.loads(path.read_text(encoding="utf-8"))
    topics = tuple(_topic(entry) for entry in data["topics"])
    ids = [topic.id for topic in topics]
    if len(set(ids)) != len(ids):
        raise ValueError("topic ids must be unique")
    return topics


def _topic(entry: dict[str, Any]) -> Topic:
    """One topic entry of the file, checked."""
    topic_id = str(entry["id"])
    books = {language: _phrasebook(topic_id, language, entry[language]) for language in LANGUAGES}
    return Topic(topic_id, str(entry["title"]), books)


def _phrasebook(topic_id: str, language: Language, entry: dict[str, Any]) -> Phrasebook:
    """One language of a topic, checked: enough distinct questions, one or two variants."""
    questions = tuple(str(question) for question in entry["questions"])
    answer = str(entry["answer"])
    variants = tuple(str(variant) for variant in entry["variants"])
    where = f"topic {topic_id} ({language})"
    if len(set(questions)) < MIN_QUESTIONS:
        raise ValueError(f"{where}: needs at least {MIN_QUESTIONS} distinct questions")
    if not 1 <= len(variants) <= MAX_VARIANTS or answer in variants:
        raise ValueError(f"{where}: needs one or two variants that differ from the answer")
    return Phrasebook(questions, answer, variants)
