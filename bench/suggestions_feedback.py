"""Learning from use, offline: replay simulated supporter feedback, report top-1 before and after.

The model is trained on the archive's training chats. Its test questions are
split in two by chat. On the first half a simulated supporter works as real
ones do: picks the right module when it is among the three (helpful), and
rates the first suggestion down when it is wrong (unhelpful); the records grow
question by question, per question cluster (the model's own first pick), and
re-rank as in production (`bots.suggestions.prior`). The second half is then
scored without and with the records.

Twice: once as the archive says, and once with a changed preference: for the
five most common kinds of question the team now sends the model's usual second
choice instead of its first (a new policy, an outdated archive). The first shows
that feedback does no harm where the model is right, the second that it learns.

    .venv/bin/python -m bench.suggestions_feedback --archive demo/archive.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bots.embedding import Embedder, embedder_for
from bots.suggestions.conversations import ArchivedChat, Turn, turn_of
from bots.suggestions.dataset import Example, Options
from bots.suggestions.prior import Keyed, Record, boosts
from bots.suggestions.training import Trained, train
from bridge.settings import Settings


def archived(line: str) -> ArchivedChat:
    """A chat of the import format as the training reads it."""
    chat = json.loads(line)
    turns: list[Turn] = []
    for message in chat["messages"]:
        kind = "customer" if message["role"] == "user" else "supporter"
        turn = turn_of(kind, kind, message["body"])
        if turn is not None:
            turns.append(turn)
    return ArchivedChat(uuid.UUID(chat["id"]), chat.get("customer", ""), None, tuple(turns))


def top1(scores: NDArray[np.float32], right: Sequence[int]) -> float:
    """Share of questions whose best-scored column is the right one."""
    return float(np.mean(np.argmax(scores, axis=1) == np.asarray(right)))


def replay(scores: NDArray[np.float32], right: Sequence[int]) -> dict[Keyed, Record]:
    """Records (by cluster and column) a supporter leaves answering these questions in turn."""
    records: dict[Keyed, Record] = {}
    for row, wanted in zip(scores, right, strict=True):
        cluster = str(int(np.argmax(row)))
        ranked = np.argsort(-(row * _factors(records, row)), kind="stable")[:3]
        if wanted in ranked:
            _count(records, (cluster, str(wanted)), helpful=True)
        if ranked[0] != wanted:
            _count(records, (cluster, str(int(ranked[0]))), helpful=False)
    return records


def _count(records: dict[Keyed, Record], keyed: Keyed, *, helpful: bool) -> None:
    records[keyed] = records.get(keyed, Record()).plus(helpful)


def boosted(records: Mapping[Keyed, Record], scores: NDArray[np.float32]) -> NDArray[np.float32]:
    """The scores re-ranked by the records, row by row as the suggester does."""
    return np.stack([row * _factors(records, row) for row in scores])


def _factors(records: Mapping[Keyed, Record], row: NDArray[np.float32]) -> NDArray[np.float32]:
    learned = boosts(records)
    cluster = str(int(np.argmax(row)))
    return np.asarray([learned.factor(cluster, str(c)) for c in range(len(row))], np.float32)


def main() -> None:
    """Train, replay, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--archive", type=Path, default=Path("demo/archive.jsonl"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embedder", default=Settings().embedder)
    args = parser.parse_args()
    chats = [archived(line) for line in args.archive.read_text().splitlines() if line.strip()]
    embedder = embedder_for(args.embedder, Settings())
    trained = train(chats, embedder, Options(validation=0.1, test=0.4, seed=args.seed))
    test = trained.dataset.part("test")
    chat_ids = sorted({example.pair.chat_id for example in test})
    random.Random(args.seed).shuffle(chat_ids)  # archives come sorted by topic
    first = set(chat_ids[: len(chat_ids) // 2])
    replayed = [e for e in test if e.pair.chat_id in first]
    judged = [e for e in test if e.pair.chat_id not in first]
    column = {int(position): index for index, position in enumerate(trained.ranker.classes)}
    replay_scores, replay_right = _scores(trained, embedder, replayed, column)
    judged_scores, judged_right = _scores(trained, embedder, judged, column)
    print(f"{args.archive}: {len(replayed)} questions replayed with feedback, {len(judged)} judged")
    _report("as archived", replay_scores, replay_right, judged_scores, judged_right)
    changed = preferences(replay_scores)
    _report(
        f"changed preference ({len(changed)} kinds of question)",
        replay_scores,
        relabelled(replay_scores, replay_right, changed),
        judged_scores,
        relabelled(judged_scores, judged_right, changed),
    )


def preferences(scores: NDArray[np.float32], kinds: int = 5) -> dict[int, int]:
    """For the most common kinds of question: the module the team now prefers (column ->
    column), the one the model on average ranks second for them."""
    clusters = np.argmax(scores, axis=1)
    changed = {}
    for cluster in np.argsort(-np.bincount(clusters, minlength=scores.shape[1]))[:kinds]:
        mean = scores[clusters == cluster].mean(axis=0)
        mean[cluster] = -1.0
        changed[int(cluster)] = int(np.argmax(mean))
    return changed


def relabelled(
    scores: NDArray[np.float32], right: Sequence[int], changed: Mapping[int, int]
) -> list[int]:
    """The right answers once the team prefers the changed modules where the model was right."""
    clusters = np.argmax(scores, axis=1)
    return [
        changed.get(wanted, wanted) if cluster == wanted else wanted
        for cluster, wanted in zip(clusters.tolist(), right, strict=True)
    ]


def _report(
    name: str,
    replay_scores: NDArray[np.float32],
    replay_right: Sequence[int],
    judged_scores: NDArray[np.float32],
    judged_right: Sequence[int],
) -> None:
    records = replay(replay_scores, replay_right)
    helpful = sum(r.helpful for r in records.values())
    unhelpful = sum(r.unhelpful for r in records.values())
    before = top1(judged_scores, judged_right)
    after = top1(boosted(records, judged_scores), judged_right)
    print(
        f"{name}: {helpful} helpful and {unhelpful} unhelpful events; "
        f"top-1 before feedback {before:.2%}, after {after:.2%}"
    )


def _scores(
    trained: Trained, embedder: Embedder, examples: list[Example], column: Mapping[int, int]
) -> tuple[NDArray[np.float32], list[int]]:
    kept = [e for e in examples if e.module in column]
    texts = [e.pair.model_text for e in kept]
    scores = trained.ranker.probabilities(texts, embedder.embed(texts))
    return scores, [column[e.module] for e in kept]


if __name__ == "__main__":
    main()
