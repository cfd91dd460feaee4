"""Learning from use: supporters' choices and ratings re-rank answer modules online.

Feedback counts per kind of question: a question's *cluster* is the module the
model itself ranks first for it, so "the model says X, supporters send Y" is
learned where it happens, without touching the ranking of other questions.
(Pooling a module's record over all clusters as a fallback was measured and
dropped: a module sent often for its own questions was then pushed onto others;
on BANKING77 it cost 0.7 points top-1, see `bench/suggestions_feedback.py`.)

Each record (helpful: chosen, sent after editing, thumbs up; unhelpful: thumbs
down) scales the model's score by the odds (helpful + `PRIOR`/2) / (unhelpful +
`PRIOR`/2), kept within 1/`LIMIT` .. `LIMIT`. Fewer than `MIN_EVENTS` events
change nothing, so one rating alone never re-orders the suggestions; each
further event moves a score by at most a quarter, so a run of them does. Odds
rather than a bounded share: when the team consistently sends another answer
than the model's first (a changed policy, an outdated archive), the evidence
must be able to overturn a confident model; when the model is right, its first
pick collects helpful events too and nothing moves (replayed on BANKING77:
top-1 unchanged; with a changed preference 85.1% → 89.0%, a share bounded to
±30% reached 85.4%; see `bench/suggestions_feedback.py`).
Records are by module key, so they carry over to newer model versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

PRIOR = 6.0
LIMIT = 10.0
MIN_EVENTS = 3
HELPFUL = ("chosen", "edited", "up")
UNHELPFUL = ("down",)


@dataclass(frozen=True)
class Record:
    """How a module fared with supporters."""

    helpful: int = 0
    unhelpful: int = 0

    @property
    def counts(self) -> bool:
        """Whether there are enough events to re-rank on."""
        return self.helpful + self.unhelpful >= MIN_EVENTS

    def plus(self, helpful: bool) -> Record:
        """The record after one more event."""
        if helpful:
            return Record(self.helpful + 1, self.unhelpful)
        return Record(self.helpful, self.unhelpful + 1)


def boost(record: Record) -> float:
    """The factor for a module's score: 1 without enough events, else the smoothed odds."""
    if not record.counts:
        return 1.0
    odds = (record.helpful + PRIOR / 2) / (record.unhelpful + PRIOR / 2)
    return min(max(odds, 1 / LIMIT), LIMIT)


# (question cluster, module key); the cluster is None for feedback recorded before clusters.
Keyed = tuple[str | None, str]


@dataclass(frozen=True)
class Boosts:
    """The factors that count, per (question cluster, module key)."""

    by_cluster: Mapping[tuple[str, str], float] = field(default_factory=dict)

    def factor(self, cluster: str, key: str) -> float:
        """The factor for module `key` on a question of `cluster`."""
        return self.by_cluster.get((cluster, key), 1.0)

    def __bool__(self) -> bool:
        return bool(self.by_cluster)


def boosts(records: Mapping[Keyed, Record]) -> Boosts:
    """The factors of every record with enough events (feedback without a cluster is old)."""
    return Boosts(
        {
            (cluster, key): boost(record)
            for (cluster, key), record in records.items()
            if cluster is not None and record.counts
        }
    )
