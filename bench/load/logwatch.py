"""Log lag: from the room reflecting a message to its row in PostgreSQL.

The supporter's arrival time stands for the reflection. The `messages` table
is polled every `POLL_SECONDS` for rows after the last id seen; a row's lag is
the poll that first saw it minus that arrival, so figures are precise to
about one poll interval.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import Connection, select

from bench.load.phase import Recorder, percentile
from bridge.db import Database, messages

POLL_SECONDS = 0.05
SETTLE_SECONDS = 10.0


class LogWatch:
    """Watches the product's message log during phases."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.last_id = db.run_sync(_newest_id)

    async def __call__(self, tag: str, recorder: Recorder, done: asyncio.Event) -> float | None:
        """Poll until the phase is done and every delivered message is logged; the p99 lag."""
        logged: dict[int, int] = {}
        prefix = f"{tag}-"
        settle_until: float | None = None
        while True:
            rows = await self.db.run(_rows_after, self.last_id)
            seen = time.monotonic_ns()
            for row_id, origin in rows:
                self.last_id = max(self.last_id, row_id)
                if origin and origin.startswith(prefix):
                    logged.setdefault(int(origin[len(prefix) :]), seen)
            if done.is_set():
                settle_until = settle_until or time.monotonic() + SETTLE_SECONDS
                if logged.keys() >= recorder.arrivals.keys() or time.monotonic() > settle_until:
                    break
            await asyncio.sleep(POLL_SECONDS)
        lags = [
            (logged[number] - arrived) / 1e9 if number in logged else float("inf")
            for number, arrived in recorder.arrivals.items()
        ]
        return percentile(lags, 0.99) if lags else None


def _newest_id(conn: Connection) -> int:
    newest = conn.execute(select(messages.c.id).order_by(messages.c.id.desc()).limit(1)).scalar()
    return int(newest or 0)


def _rows_after(conn: Connection, last_id: int) -> list[tuple[int, str | None]]:
    query = select(messages.c.id, messages.c.origin_id).where(messages.c.id > last_id)
    return [(int(row_id), origin) for row_id, origin in conn.execute(query.order_by(messages.c.id))]
