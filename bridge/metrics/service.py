"""Metrics counted inside the transaction of the change they count (exactly once)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from bridge.metrics import repository
from bridge.metrics.catalog import HANDOFFS, LOG_LAG, MESSAGES_LOGGED
from bridge.metrics.totals import Totals


def count_logged(conn: Connection, reflected: Sequence[datetime], *, logged_at: datetime) -> None:
    """Count newly logged messages and how long after their reflection they were logged."""
    if not reflected:
        return
    totals = Totals()
    totals.count(MESSAGES_LOGGED, len(reflected))
    for at in reflected:
        totals.observe(LOG_LAG, (logged_at - at).total_seconds())
    repository.add(conn, totals)


def count_handoff(conn: Connection) -> None:
    """Count one chat handed from the assistant to the queue."""
    totals = Totals()
    totals.count(HANDOFFS)
    repository.add(conn, totals)
