"""The demo archive `make run` imports: big enough, importable, and the generator's exact output."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bridge.archive.importer import parse_chat
from demo.make_archive import ARCHIVE_END, ARCHIVE_FILE, generate, main, render
from demo.slots import ORDER_NUMBER
from demo.topics import load_topics

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def chats() -> list[dict[str, Any]]:
    """Every line of the committed archive file."""
    lines = ARCHIVE_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_the_archive_has_at_least_300_chats_on_at_least_30_topics(
    chats: list[dict[str, Any]],
) -> None:
    assert len(chats) >= 300
    assert len({topic for chat in chats for topic in chat["topics"]}) >= 30


def test_the_archive_is_a_little_more_german_than_english(chats: list[dict[str, Any]]) -> None:
    languages = Counter(chat["language"] for chat in chats)
    assert set(languages) == {"de", "en"}
    assert 0.45 <= languages["de"] / len(chats) <= 0.65


def test_every_line_is_accepted_by_the_archive_importer(chats: list[dict[str, Any]]) -> None:
    for chat in chats:
        record = parse_chat(chat)
        assert str(record.id) == chat["id"]
        assert record.customer_name == chat["customer"]
        assert [m["body"] for m in record.messages] == [m["body"] for m in chat["messages"]]
        assert record.ended_at >= record.messages[-1]["created_at"]


def test_chat_ids_are_unique_and_chats_lie_in_the_half_year_before_the_archive_end(
    chats: list[dict[str, Any]],
) -> None:
    assert len({uuid.UUID(chat["id"]) for chat in chats}) == len(chats)
    for chat in chats:
        times = [datetime.fromisoformat(m["created_at"]) for m in chat["messages"]]
        assert times == sorted(times)
        assert ARCHIVE_END - timedelta(days=190) < times[0]
        assert datetime.fromisoformat(chat["ended_at"]) < ARCHIVE_END


def test_each_chat_starts_with_the_customer_and_one_or_two_topics(
    chats: list[dict[str, Any]],
) -> None:
    for chat in chats:
        assert chat["messages"][0]["role"] == "user"
        assert 1 <= len(chat["topics"]) <= 2
        assert {m["role"] for m in chat["messages"]} == {"user", "supporter"}


def test_each_topic_is_answered_with_its_module_in_the_chats_language(
    chats: list[dict[str, Any]],
) -> None:
    topics = {topic.id: topic for topic in load_topics()}
    for chat in chats:
        answers = [m["body"] for m in chat["messages"] if m["role"] == "supporter"]
        for topic_id in chat["topics"]:
            book = topics[topic_id].phrasebook(chat["language"])
            # What follows the order number, which the supporter may have filled in.
            modules = [text.split(ORDER_NUMBER)[-1] for text in (book.answer, *book.variants)]
            assert any(module in answer for module in modules for answer in answers), chat["id"]


def test_regenerating_the_archive_gives_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "archive.jsonl"
    assert main([str(out)]) == 0
    assert out.read_bytes() == ARCHIVE_FILE.read_bytes()


def test_another_seed_gives_other_chats() -> None:
    assert render(generate(chats=20, seed=7)) != render(generate(chats=20, seed=8))


def test_the_command_line_writes_the_chats_it_is_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "small.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "demo.make_archive", "--chats", "12", "--seed", "3", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(out.read_text(encoding="utf-8").splitlines()) == 12
    assert "12 chats on" in done.stdout
