"""Observations made in this process, added to the shared totals every few seconds.

Latencies are measured where they happen (the bots, the api's extauth route), often
many times a second: a database write each would cost more than the work measured.
They wait here and `run` adds them in one short transaction; at most
`FLUSH_SECONDS` of observations are lost if the process is killed.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from bridge.db import Database
from bridge.metrics import repository
from bridge.metrics.catalog import Histogram
from bridge.metrics.totals import Totals

log = logging.getLogger(__name__)

FLUSH_SECONDS = 2.0


class Recorder:
    """Collects observations from any thread; `flush` moves them to PostgreSQL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending = Totals()

    def observe(self, histogram: Histogram, seconds: float) -> None:
        """Record one observation of a histogram."""
        with self._lock:
            self._pending.observe(histogram, seconds)

    @contextmanager
    def timed(self, histogram: Histogram) -> Iterator[None]:
        """Observe how long the `with` block takes (also when it raises)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.observe(histogram, time.perf_counter() - started)

    async def flush(self, db: Database) -> None:
        """Add what was observed so far to the shared totals; kept for the next try on failure."""
        with self._lock:
            taken, self._pending = self._pending, Totals()
        if not taken:
            return
        try:
            await db.run(repository.add, taken)
        except SQLAlchemyError as error:
            log.warning("metrics not saved (%s); retrying later", type(error).__name__)
            with self._lock:
                self._pending.merge(taken)

    async def run(self, db: Database, every: float = FLUSH_SECONDS) -> None:
        """Flush every `every` seconds until cancelled, then once more."""
        try:
            while True:
                await asyncio.sleep(every)
                await self.flush(db)
        finally:
            await asyncio.shield(self.flush(db))


RECORDER = Recorder()
"""This process's recorder (like prometheus_client's default registry)."""
