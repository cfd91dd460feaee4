"""Shared steps of the suggestion benchmarks: labelled rows in, the product's path end to end.

Each training row becomes an archived chat (the customer's question, then the
answer of its label dressed with a greeting, the customer's name and a
sign-off the way supporters write), imported with the real importer into a
fresh embedded PostgreSQL; `train_and_store` then prepares, trains and stores
the model exactly as `customer-chat suggestions train` does, and the newest
model is judged on the held-out rows through `Suggester`. Printed: the
training report, top-1 / top-3 / MRR on the held-out rows, and the scoring
latency of single questions.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bots.embedding import configured_embedder, embedder_for
from bots.suggestions import text
from bots.suggestions.dataset import Options
from bots.suggestions.metrics import measure
from bots.suggestions.service import train_and_store
from bots.suggestions.suggester import Suggester
from bridge import migrate
from bridge.archive.importer import import_file
from bridge.db import Database, make_engine
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.postgres import embedded_url, stop_embedded
from bridge.settings import Settings

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
CUSTOMERS = ["Anna Schmidt", "Tom Becker", "Lena Wolf", "Jonas Klein", "Mia Braun", "Paul Roth"]
GREETINGS = ["Hi {first},", "Hello {name}!", "Hallo {first},", ""]
SIGN_OFFS = ["Best regards,\nSam", "Viele Grüße\nBen", "Cheers, Ria", ""]


@dataclass(frozen=True)
class Row:
    """A labelled customer question."""

    text: str
    label: str


def dressed(answer: str, rng: random.Random, customer: str) -> str:
    """An answer the way a supporter sends it: maybe a greeting and a sign-off around it."""
    first = customer.split()[0]
    greeting = rng.choice(GREETINGS).format(first=first, name=customer)
    sign_off = rng.choice(SIGN_OFFS)
    return "\n".join(part for part in (greeting, answer, sign_off) if part)


def write_chats(rows: Sequence[Row], answers: dict[str, str], path: Path, seed: int) -> None:
    """One archived chat a training row, in the archive import format."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number, row in enumerate(rows):
            customer = rng.choice(CUSTOMERS)
            chat = {
                "id": f"00000000-0000-4000-8000-{number:012d}",
                "customer": customer,
                "messages": [
                    {"role": "user", "body": row.text},
                    {"role": "supporter", "body": dressed(answers[row.label], rng, customer)},
                ],
            }
            out.write(json.dumps(chat, ensure_ascii=False) + "\n")


def run(
    name: str,
    train: Sequence[Row],
    held_out: Sequence[Row],
    answers: dict[str, str],
    *,
    seed: int = 0,
    latency_questions: int = 500,
) -> dict[str, Any]:
    """Import, train, judge; print and return the figures."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    try:
        return _run(folder, name, train, held_out, answers, seed, latency_questions)
    finally:
        stop_embedded(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _run(
    folder: Path,
    name: str,
    train: Sequence[Row],
    held_out: Sequence[Row],
    answers: dict[str, str],
    seed: int,
    latency_questions: int,
) -> dict[str, Any]:
    settings = Settings(data_dir=folder, database_url=embedded_url(folder))
    live, archive = make_engine(settings), make_engine(settings, archive=True)
    migrate.upgrade(live, settings)
    migrate.upgrade(archive, settings, archive=True)
    cipher = MessageCipher(KeyStore.for_archive(settings))
    write_chats(train, answers, folder / "chats.jsonl", seed)
    started = time.perf_counter()
    report = import_file(folder / "chats.jsonl", Database(archive), cipher)
    print(f"{name}: imported {report.imported} chats in {time.perf_counter() - started:.0f} s")
    training = train_and_store(
        live=Database(live),
        archive=Database(archive),
        archive_cipher=cipher,
        embedder=configured_embedder(settings),
        options=Options(validation=0.1, test=0.0, seed=seed),
    )
    print("\n".join(training.lines()))
    suggester = Database(live).run_sync(
        Suggester.load_newest, lambda embedder: embedder_for(embedder, settings)
    )
    assert suggester is not None
    column = {module.text: index for index, module in enumerate(suggester.modules)}
    expected = [column.get(text.clean_answer(answers[row.label]), -1) for row in held_out]
    scores = suggester.scores([row.text for row in held_out])
    held = measure(scores, list(range(len(column))), expected)
    print(f"{name} held-out test: {held}")
    latencies = _latencies(suggester, [row.text for row in held_out[:latency_questions]])
    print(
        f"{name} scoring one question (embedding + both models + three picks), "
        f"{len(latencies)} questions: p50 {np.percentile(latencies, 50):.1f} ms, "
        f"p95 {np.percentile(latencies, 95):.1f} ms, p99 {np.percentile(latencies, 99):.1f} ms"
    )
    return {
        "validation": training.trained.validation["blend"].as_dict(),
        "test": held.as_dict(),
        "training_seconds": training.seconds,
        "p95_ms": float(np.percentile(latencies, 95)),
    }


def _latencies(suggester: Suggester, questions: Sequence[str]) -> list[float]:
    times = []
    for question in questions:
        started = time.perf_counter()
        suggester.suggest(question)
        times.append((time.perf_counter() - started) * 1000)
    return times
