"""One active bridge at a time: a PostgreSQL advisory lock, held on a connection of its own.

Every `customer-chat bridge` takes the lock before it connects to ejabberd; a
second one (a standby, on this machine or another) waits for it. PostgreSQL
frees the lock the moment the holder's connection closes, so a bridge killed
even by SIGKILL hands over within a poll interval. ejabberd itself is no guard:
it accepts several connections for one component domain and spreads the
stanzas over them (its component load balancing).

If PostgreSQL restarts, the holder's lock goes with the server; the holder
takes it back as soon as the server answers, and steps down if a standby
was quicker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import psycopg2
from sqlalchemy import Engine

log = logging.getLogger(__name__)

LOCK_KEY = 0x6272_6964_6765  # "bridge": the same number in every bridge process
STANDBY_POLL_SECONDS = 1.0
CHECK_SECONDS = 1.0
# The holder retries faster than a standby polls, so it usually wins its lock back.
RETAKE_SECONDS = 0.2


class Leadership:
    """The advisory lock that makes this process the active bridge."""

    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._connection: Any = None

    async def acquire(self) -> None:
        """Return once this process holds the lock, waiting as a standby while another does."""
        told = False
        while not await asyncio.to_thread(self._try_lock):
            if not told:
                log.warning("another bridge is active; standing by")
                told = True
            await asyncio.sleep(STANDBY_POLL_SECONDS)
        if told:
            log.warning("the active bridge is gone; this one takes over")

    async def keep(self) -> None:
        """Hold the lock; return only when another bridge has taken it (then step down)."""
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            if await asyncio.to_thread(self._still_held):
                continue
            log.warning("lost the database connection that holds the bridge lock; retaking it")
            if not await self._retake():
                log.warning("another bridge took over while the database was away; stepping down")
                return

    async def _retake(self) -> bool:
        """Take the lock back once the database answers; False if another bridge has it."""
        while True:
            held = await asyncio.to_thread(self._try_lock)
            if held is not None:
                return held
            await asyncio.sleep(RETAKE_SECONDS)

    def release(self) -> None:
        """Give the lock up by closing its connection."""
        self._close()

    def _try_lock(self) -> bool | None:
        """True if held now, False if another process holds it, None if the database is away."""
        try:
            if self._connection is None:
                self._connection = self._connect()
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
                return bool(cursor.fetchone()[0])
        except psycopg2.Error as error:
            log.info("bridge lock: database unavailable (%s)", type(error).__name__)
            self._close()
            return None

    def _still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except psycopg2.Error:
            self._close()
            return False

    def _connect(self) -> Any:
        # Outside the pool: the lock lives exactly as long as this one session.
        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        connection = self.engine.dialect.connect(*cargs, **cparams)
        connection.autocommit = True
        return connection

    def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(psycopg2.Error):
                self._connection.close()
            self._connection = None
