"""The topics behind the demo archive: enough of them, each asked and answered in both languages."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest

from demo.slots import draw_facts, fill_answer, fill_question
from demo.topics import LANGUAGES, MIN_QUESTIONS, TOPICS_FILE, load_topics


def test_there_are_at_least_32_topics_with_unique_ids() -> None:
    topics = load_topics()
    assert len(topics) >= 32
    assert len({topic.id for topic in topics}) == len(topics)


def test_every_topic_is_asked_six_ways_and_answered_in_german_and_english() -> None:
    for topic in load_topics():
        for language in LANGUAGES:
            book = topic.phrasebook(language)
            assert len(set(book.questions)) >= MIN_QUESTIONS, (topic.id, language)
            assert 1 <= len(book.variants) <= 2, (topic.id, language)
            assert book.answer not in book.variants, (topic.id, language)


def test_every_question_slot_and_answer_placeholder_gets_filled() -> None:
    facts = draw_facts(random.Random(1), "de", date(2026, 6, 1))
    for topic in load_topics():
        for language in LANGUAGES:
            book = topic.phrasebook(language)
            for question in book.questions:
                assert "{" not in fill_question(question, facts), question
            for answer in (book.answer, *book.variants):
                assert "{" not in fill_answer(answer, facts, "Anna Weber"), answer


def test_a_topic_with_too_few_questions_is_refused(tmp_path: Path) -> None:
    data = json.loads(TOPICS_FILE.read_text(encoding="utf-8"))
    data["topics"][0]["en"]["questions"] = data["topics"][0]["en"]["questions"][:5]
    broken = tmp_path / "topics.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="at least 6 distinct questions"):
        load_topics(broken)
