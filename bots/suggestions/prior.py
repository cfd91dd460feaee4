"""Learning from use: supporters' choices and ratings re-rank answer modules online.

Each module (by its key, so the record carries over to newer model versions)
has a record of helpful events (chosen, sent after editing, thumbs up) and
unhelpful ones (thumbs down). The record, shrunk towards a neutral 50% by
`PRIOR` pseudo-events, scales the model's score by at most ±`WEIGHT`/2. Fewer
than `MIN_EVENTS` events change nothing, so one rating alone never re-orders
the suggestions; a run of them does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PRIOR = 6.0
WEIGHT = 0.6
MIN_EVENTS = 3
HELPFUL = ("chosen", "edited", "up")
UNHELPFUL = ("down",)


@dataclass(frozen=True)
class Record:
    """How a module fared with supporters."""

    helpful: int = 0
    unhelpful: int = 0

    def plus(self, helpful: bool) -> Record:
        """The record after one more event."""
        if helpful:
            return Record(self.helpful + 1, self.unhelpful)
        return Record(self.helpful, self.unhelpful + 1)


def boost(record: Record) -> float:
    """The factor for a module's score: 1 - WEIGHT/2 (always refused) .. 1 + WEIGHT/2."""
    events = record.helpful + record.unhelpful
    if events < MIN_EVENTS:
        return 1.0
    share = (record.helpful + PRIOR / 2) / (events + PRIOR)
    return 1.0 + WEIGHT * (share - 0.5)


def boosts(records: Mapping[str, Record]) -> dict[str, float]:
    """The factors of every module with a record that counts."""
    factors = {key: boost(record) for key, record in records.items()}
    return {key: factor for key, factor in factors.items() if factor != 1.0}
