"""All SQL about service liveness: the bridge's heartbeat that /readyz reads."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from bridge.db import heartbeats


def beat(conn: Connection, service: str) -> None:
    """Record that a service is alive now."""
    now = datetime.now(UTC)
    conn.execute(
        insert(heartbeats)
        .values(service=service, beat_at=now)
        .on_conflict_do_update(index_elements=["service"], set_={"beat_at": now})
    )


def age_seconds(conn: Connection, service: str) -> float | None:
    """Seconds since the service's last heartbeat, or None if it never beat."""
    beat_at = conn.execute(
        select(heartbeats.c.beat_at).where(heartbeats.c.service == service)
    ).scalar()
    return None if beat_at is None else (datetime.now(UTC) - beat_at).total_seconds()
