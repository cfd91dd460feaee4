"""A prometheus_client collector that reads the shared totals at scrape time."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bridge.metrics import repository
from bridge.metrics.catalog import (
    CHATS,
    CHATS_HELP,
    COUNTERS,
    DATABASE_UP,
    HISTOGRAMS,
    OPEN_STATUSES,
    Histogram,
    sum_name,
)
from bridge.metrics.repository import Snapshot

log = logging.getLogger(__name__)


class TotalsCollector(Collector):
    """Yields the chats by status, the counters and the histograms from PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        """Read the database once; without it, say so instead of failing the whole scrape."""
        try:
            with self.engine.begin() as conn:
                snapshot = repository.snapshot(conn)
        except SQLAlchemyError as error:
            log.warning("metrics: database unreachable (%s)", type(error).__name__)
            yield GaugeMetricFamily(DATABASE_UP, "Whether the api could read the totals", 0)
            return
        yield GaugeMetricFamily(DATABASE_UP, "Whether the api could read the totals", 1)
        chats = GaugeMetricFamily(CHATS, CHATS_HELP, labels=["status"])
        for status in OPEN_STATUSES:
            chats.add_metric([str(status)], snapshot.open_chats.get(str(status), 0))
        yield chats
        for name, help_text in COUNTERS.items():
            yield CounterMetricFamily(name, help_text, snapshot.counters.get(name, 0.0))
        for histogram in HISTOGRAMS:
            yield _histogram(histogram, snapshot)


def _histogram(histogram: Histogram, snapshot: Snapshot) -> HistogramMetricFamily:
    """Cumulative buckets from the stored per-bucket counts (any stored bound is counted)."""
    stored = snapshot.buckets.get(histogram.name, {})
    cumulative = [
        (
            "+Inf" if math.isinf(bound) else str(bound),
            sum(n for le, n in stored.items() if le <= bound),
        )
        for bound in (*histogram.buckets, math.inf)
    ]
    return HistogramMetricFamily(
        histogram.name,
        histogram.help,
        buckets=cumulative,
        sum_value=snapshot.counters.get(sum_name(histogram), 0.0),
    )
