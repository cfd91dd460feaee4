"""The newest trained suggestion model, picked up without a restart when a newer one is stored."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from bots.embedding import embedder_for
from bots.suggestions import prior, repository
from bots.suggestions.suggester import EmbedderFor, Suggester
from bridge.db import Database
from bridge.settings import Settings

log = logging.getLogger(__name__)

CHECK_SECONDS = 10.0


class LiveModel:
    """Holds the newest model and the supporters' feedback boosts, both re-read every few seconds.

    Checking here, off the message path, keeps a customer's message to one scoring.
    """

    def __init__(
        self, db: Database, settings: Settings, embedders: EmbedderFor | None = None
    ) -> None:
        self.db = db
        # A process that also embeds for other reasons passes its shared `Embedders`.
        self.embedder_for = embedders or functools.partial(embedder_for, settings=settings)
        self.current: Suggester | None = None
        self.boosts = prior.Boosts()  # from supporters' feedback records
        self._loaded = asyncio.Event()
        self._switching = threading.Lock()
        self._checked = -CHECK_SECONDS

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
        newest = await self.db.run(self._check)
        if newest is not None and newest is not self.current:
            self.current = newest
            self._loaded.set()
            log.info("suggestion model version %d in use", newest.version)

    def newest(self, conn: Connection) -> Suggester | None:
        """The newest stored model, checked at most every few seconds (for the api's threads)."""
        with self._switching:  # one thread loads a new model, the others wait for it
            if self.current is None or time.monotonic() - self._checked >= CHECK_SECONDS:
                self.current = self._check(conn)
                self._checked = time.monotonic()
            return self.current

    def _check(self, conn: Connection) -> Suggester | None:
        """The newest model (loaded, warmed up) and, with it, the current feedback boosts."""
        self.boosts = prior.boosts(repository.feedback_records(conn))
        if self.current is None:
            return Suggester.load_newest(conn, self.embedder_for)
        return self.current.refreshed(conn, self.embedder_for)
