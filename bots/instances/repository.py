"""All SQL of the bot instances: the heartbeat rows in `bot_instances`."""

from __future__ import annotations

from sqlalchemy import Connection, text

# The database's clock, not each machine's, decides who is alive: no skew between hosts.
_BEAT = text(
    "INSERT INTO bot_instances (id) VALUES (:id) ON CONFLICT (id) DO UPDATE SET seen_at = now()"
)
_LIVE = text(
    "SELECT id FROM bot_instances WHERE seen_at > now() - make_interval(secs => :expiry) "
    "ORDER BY id"
)
# Rows of processes long gone; kept a while only so an operator can see what died when.
_PRUNE = text("DELETE FROM bot_instances WHERE seen_at < now() - interval '1 day'")


def beat(conn: Connection, *, instance_id: str, expiry: float) -> tuple[str, ...]:
    """Mark this instance alive now; the instances seen within `expiry` seconds, by id."""
    conn.execute(_BEAT, {"id": instance_id})
    conn.execute(_PRUNE)
    return live(conn, expiry=expiry)


def live(conn: Connection, *, expiry: float) -> tuple[str, ...]:
    """The instances seen within `expiry` seconds, by id."""
    return tuple(str(row.id) for row in conn.execute(_LIVE, {"expiry": expiry}))


def leave(conn: Connection, *, instance_id: str) -> None:
    """Forget this instance at once (a clean stop): the others take its rooms now."""
    conn.execute(text("DELETE FROM bot_instances WHERE id = :id"), {"id": instance_id})
