"""The newest trained suggestion model, picked up without a restart when a newer one is stored."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from bots.embedding import embedder_for
from bots.suggestions.suggester import Suggester
from bridge.db import Database
from bridge.settings import Settings

log = logging.getLogger(__name__)

CHECK_SECONDS = 10.0


class LiveModel:
    """Holds the newest model; `run` checks for a newer version every few seconds."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.embedder_for = functools.partial(embedder_for, settings=settings)
        self.current: Suggester | None = None
        self._loaded = asyncio.Event()
        self._switching = threading.Lock()

    async def ready(self, timeout: float) -> Suggester | None:
        """The model in use, waiting up to `timeout` seconds for the first one to load."""
        if self.current is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._loaded.wait(), timeout)
        return self.current

    async def run(self) -> None:
        """Load the newest model, then look for newer ones, for ever."""
        while True:
            try:
                await self.refresh()
            except SQLAlchemyError as error:
                log.warning("cannot check for a newer model: %s", type(error).__name__)
            await asyncio.sleep(CHECK_SECONDS)

    async def refresh(self) -> None:
        """Switch to the newest stored model if it is not the one in use."""
        newest = await self.db.run(self._newest)
        if newest is not None and newest is not self.current:
            await asyncio.to_thread(newest.suggest, "warm up")  # the embedder loads lazily
            self.current = newest
            self._loaded.set()
            log.info("suggestion model version %d in use", newest.version)

    def newest(self, conn: Connection) -> Suggester | None:
        """The newest stored model, switched to at once (for the api's worker threads)."""
        with self._switching:  # one thread loads a new model, the others wait for it
            self.current = self._newest(conn)
            return self.current

    def _newest(self, conn: Connection) -> Suggester | None:
        if self.current is None:
            return Suggester.load_newest(conn, self.embedder_for)
        return self.current.refreshed(conn, self.embedder_for)
