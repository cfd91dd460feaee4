"""All SQL of the metrics: adding to the shared totals and reading them with the open chats."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, text

from bridge.metrics.catalog import OPEN_STATUSES
from bridge.metrics.totals import Totals

# One statement a table (unnest keeps the arrays' order): the message log adds to them
# in every batch, and each row of an executemany was a round trip of its own. Rows are
# upserted in key order, so two processes adding at once never deadlock.
_ADD_COUNTERS = text(
    "INSERT INTO metric_counters (name, value)"
    " SELECT * FROM unnest(CAST(:names AS text[]), CAST(:amounts AS float8[]))"
    " ON CONFLICT (name) DO UPDATE SET value = metric_counters.value + EXCLUDED.value"
)
_ADD_BUCKETS = text(
    "INSERT INTO metric_buckets (name, le, count)"
    " SELECT * FROM unnest(CAST(:names AS text[]), CAST(:les AS float8[]),"
    " CAST(:counts AS bigint[]))"
    " ON CONFLICT (name, le) DO UPDATE SET count = metric_buckets.count + EXCLUDED.count"
)
# Open chats are few and `chats_status_created` covers the filter: no scan of ended chats.
_OPEN_CHATS = text(
    "SELECT status, count(*) AS n FROM chats WHERE status IN :statuses GROUP BY status"
).bindparams(bindparam("statuses", expanding=True))


@dataclass(frozen=True)
class Snapshot:
    """The shared totals and the open chats, as read at one scrape."""

    counters: dict[str, float]
    buckets: dict[str, dict[float, int]]
    open_chats: dict[str, int]


def add(conn: Connection, totals: Totals) -> None:
    """Add counter amounts and bucket counts to the shared totals."""
    counters = sorted(totals.counters)
    buckets = sorted(totals.buckets)
    if counters:
        amounts = [totals.counters[name] for name in counters]
        conn.execute(_ADD_COUNTERS, {"names": counters, "amounts": amounts})
    if buckets:
        conn.execute(
            _ADD_BUCKETS,
            {
                "names": [name for name, _ in buckets],
                "les": [le for _, le in buckets],
                "counts": [totals.buckets[key] for key in buckets],
            },
        )


def snapshot(conn: Connection) -> Snapshot:
    """Read every total and count the open chats by status."""
    rows = conn.execute(text("SELECT name, value FROM metric_counters"))
    counters = {row.name: row.value for row in rows}
    buckets: dict[str, dict[float, int]] = {}
    for row in conn.execute(text("SELECT name, le, count AS n FROM metric_buckets")):
        buckets.setdefault(row.name, {})[row.le] = row.n
    statuses = [str(status) for status in OPEN_STATUSES]
    open_chats = {row.status: row.n for row in conn.execute(_OPEN_CHATS, {"statuses": statuses})}
    return Snapshot(counters, buckets, open_chats)
