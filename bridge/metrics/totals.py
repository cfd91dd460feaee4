"""Additions to the shared totals: counter increments and histogram observations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bridge.metrics.catalog import Histogram, sum_name


@dataclass
class Totals:
    """What to add to the shared totals: counter values and counts per histogram bucket."""

    counters: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    buckets: defaultdict[tuple[str, float], int] = field(default_factory=lambda: defaultdict(int))

    def count(self, counter: str, amount: float = 1.0) -> None:
        """Add `amount` to a counter."""
        self.counters[counter] += amount

    def observe(self, histogram: Histogram, value: float) -> None:
        """Add one observation to a histogram (negative values, from clock skew, count as 0)."""
        value = max(value, 0.0)
        self.buckets[(histogram.name, histogram.bucket_of(value))] += 1
        self.counters[sum_name(histogram)] += value

    def merge(self, other: Totals) -> None:
        """Add another set of additions to this one."""
        for name, amount in other.counters.items():
            self.counters[name] += amount
        for key, count in other.buckets.items():
            self.buckets[key] += count

    def __bool__(self) -> bool:
        return bool(self.counters or self.buckets)
