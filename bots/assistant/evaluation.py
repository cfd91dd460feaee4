"""Judge the assistant on labelled questions: right article, handed over, out of scope handed over.

A labelled file is `.jsonl` (`{"text", "label"}` a line) or `.csv` (columns
`text` and `label`, or BANKING77's `category`); the label is the slug of the
article that answers the question, or `oos` for a question no article answers.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Connection

from bots.assistant.calibrate import Judged
from bots.assistant.confidence import Calibration, features
from bots.assistant.decide import decide
from bots.assistant.retrieval import retrieve
from bots.assistant.service import PASSAGES
from bots.embedding import Embedder


@dataclass(frozen=True)
class Labelled:
    """A question and the slug of its article, or `oos`."""

    text: str
    label: str


@dataclass(frozen=True)
class Outcome:
    """How one labelled question was decided, and how long retrieval and decision took."""

    judged: Judged
    handed_off: bool
    reason: str
    latency_ms: float


def read_labelled(path: Path) -> list[Labelled]:
    """The labelled questions of a .jsonl or .csv file."""
    with path.open(encoding="utf-8") as lines:
        if path.suffix == ".csv":
            return [
                Labelled(row["text"], row.get("label") or row["category"])
                for row in csv.DictReader(lines)
            ]
        records = (json.loads(line) for line in lines if line.strip())
        return [Labelled(record["text"], record["label"]) for record in records]


def judged(conn: Connection, embedder: Embedder, question: Labelled) -> Judged:
    """The question's confidence features and the slug of its best article."""
    hits, ranked = retrieve(conn, embedder, question.text, PASSAGES)
    return Judged(question.label, features(hits, ranked), hits[0].slug if hits else None)


def run(
    conn: Connection,
    embedder: Embedder,
    questions: Sequence[Labelled],
    calibration: Calibration | None = None,
) -> list[Outcome]:
    """Search and decide each question as the assistant does (without logging it)."""
    outcomes = []
    for question in questions:
        started = time.perf_counter()
        hits, ranked = retrieve(conn, embedder, question.text, PASSAGES)
        decision = decide(question.text, hits, ranked, calibration=calibration)
        took = (time.perf_counter() - started) * 1000
        item = Judged(question.label, features(hits, ranked), hits[0].slug if hits else None)
        outcomes.append(Outcome(item, decision.handed_off, decision.reason.value, took))
    return outcomes


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` percentile (0-100) of the values, 0 for none."""
    return float(np.percentile(values, share)) if values else 0.0
