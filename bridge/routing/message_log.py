"""Writes room messages to the log in batches, off the event loop, retrying through outages."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from bridge.db import Database
from bridge.messages import repository
from bridge.messages.crypto import MessageCipher
from bridge.messages.repository import LoggedMessage

log = logging.getLogger(__name__)

BATCH = 500
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)


@dataclass(frozen=True)
class Entry:
    """A message to log; `complete_up_to` says the log is complete up to it once written."""

    message: LoggedMessage
    complete_up_to: bool


class MessageLog:
    """A queue in front of the database: `add` never blocks, `run` writes batches in order."""

    def __init__(self, db: Database, cipher: MessageCipher) -> None:
        self.db = db
        self.cipher = cipher
        self.queue: asyncio.Queue[Entry] = asyncio.Queue()

    def add(self, message: LoggedMessage, *, complete_up_to: bool) -> None:
        """Queue a message for the log."""
        self.queue.put_nowait(Entry(message, complete_up_to))

    async def run(self) -> None:
        """Write queued messages for ever, oldest first, a batch at a time."""
        while True:
            batch = [await self.queue.get()]
            while len(batch) < BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            await self._write(batch)
            for _ in batch:
                self.queue.task_done()

    async def flush(self) -> None:
        """Wait until everything queued so far is written."""
        await self.queue.join()

    async def _write(self, batch: list[Entry]) -> None:
        rows = [entry.message for entry in batch]
        cursors: dict[uuid.UUID, str] = {
            entry.message.chat_id: entry.message.stanza_id
            for entry in batch
            if entry.complete_up_to
        }
        attempt = 0
        while True:
            try:
                await self.db.run(repository.record, rows, cursors, self.cipher)
                return
            except SQLAlchemyError as error:
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                log.warning(
                    "message log write failed (%s); retrying in %.1fs", type(error).__name__, delay
                )
                attempt += 1
                await asyncio.sleep(delay)
