"""Write the demo archive: `python -m demo.make_archive [--chats 360] [--seed 7] OUT.jsonl`.

The same arguments always give the same bytes: one seeded random generator makes
every choice, chat ids are derived from the seed and the chat's number, and the
times lie in the half year before a fixed date rather than before today.
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from demo.chats import DemoChat, build_chat, draw_start
from demo.topics import load_topics

DEFAULT_CHATS = 360
DEFAULT_SEED = 7
ARCHIVE_END = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)  # the newest chat ends before this
DEMO_IDS = uuid.UUID("0b6f2c8e-5d3a-4e1f-9c7b-2a8d4e6f1b3c")  # namespace of the chat ids
ARCHIVE_FILE = Path(__file__).with_name("archive.jsonl")


def generate(*, chats: int = DEFAULT_CHATS, seed: int = DEFAULT_SEED) -> list[DemoChat]:
    """The demo chats, oldest first; every topic leads about as many chats as the others."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, no secrets
    topics = load_topics()
    leads = list(topics)
    rng.shuffle(leads)
    built = [
        build_chat(
            rng,
            chat_id=uuid.uuid5(DEMO_IDS, f"{seed}:{number}"),
            first_topic=leads[number % len(leads)],
            topics=topics,
            start=draw_start(rng, ARCHIVE_END),
        )
        for number in range(chats)
    ]
    return sorted(built, key=lambda chat: (chat.messages[0].created_at, str(chat.id)))


def render(chats: Sequence[DemoChat]) -> bytes:
    """The chats as JSON lines, UTF-8."""
    lines = (json.dumps(chat.to_line(), ensure_ascii=False) + "\n" for chat in chats)
    return "".join(lines).encode("utf-8")


def describe(chats: Sequence[DemoChat]) -> str:
    """A one-paragraph summary: chats, topics and messages per language."""
    by_language = Counter(chat.language for chat in chats)
    messages = Counter[str]()
    for chat in chats:
        messages[chat.language] += len(chat.messages)
    topics = {topic for chat in chats for topic in chat.topic_ids}
    parts = [
        f"{language}: {by_language[language]} chats, {messages[language]} messages"
        for language in sorted(by_language)
    ]
    return f"{len(chats)} chats on {len(topics)} topics ({'; '.join(parts)})"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the archive file and print what it holds."""
    parser = argparse.ArgumentParser(prog="python -m demo.make_archive", description=__doc__)
    parser.add_argument("--chats", type=int, default=DEFAULT_CHATS, help="how many chats")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("out", type=Path, help="the .jsonl file to write")
    args = parser.parse_args(argv)
    if args.chats < 1:
        parser.error("--chats must be at least 1")
    chats = generate(chats=args.chats, seed=args.seed)
    args.out.write_bytes(render(chats))
    print(f"{args.out}: {describe(chats)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
