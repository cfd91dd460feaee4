"""Grow the rooms' archives (ejabberd's MAM table on PostgreSQL) before measuring again.

Issue 6: MAM on PostgreSQL must keep throughput within 20% from empty archives
to 5,000 archived messages per room (on Mnesia it fell as archives grew,
EJABBERD_NOTES §8). Rows are written straight into ejabberd's `archive`
table, shaped as ejabberd writes a room's groupchat message, which is far
faster than sending them.
"""

from __future__ import annotations

import asyncio
import time

import psycopg2

from bridge.settings import Settings
from bridge.xmpp_server import storage

FILL_SQL = """
INSERT INTO archive (username, timestamp, peer, bare_peer, xml, txt, kind, nick)
SELECT room, %(start)s + n, room || '/Filler', room,
       '<message xmlns="jabber:client" type="groupchat"><body>archived ' || n
           || '</body></message>',
       'archived ' || n, 'groupchat', 'Filler'
FROM unnest(%(rooms)s::text[]) AS room, generate_series(1, %(per_room)s) AS n
"""


async def fill(settings: Settings, rooms: list[str], per_room: int) -> float:
    """Add `per_room` archived messages to each room; the seconds it took."""
    started = time.perf_counter()
    await asyncio.to_thread(_insert, storage.prepare(settings).url, rooms, per_room)
    return time.perf_counter() - started


def _insert(url: str, rooms: list[str], per_room: int) -> None:
    connection = psycopg2.connect(url)
    try:
        with connection, connection.cursor() as cursor:
            # Microseconds, as ejabberd stamps them; older than any message of the run.
            start = (int(time.time()) - 86_400) * 1_000_000
            cursor.execute(FILL_SQL, {"start": start, "rooms": rooms, "per_room": per_room})
            cursor.execute("ANALYZE archive")
    finally:
        connection.close()
