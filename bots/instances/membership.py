"""This bots process among the live ones, and which chats' rooms are its own.

Every instance writes a heartbeat row each BEAT_SECONDS and reads the rows
written within EXPIRY_SECONDS: those are the live instances. A chat belongs
to the live instance with the highest rendezvous weight for it, so every
instance computes the same owner without talking to the others, and when
one dies only its rooms move. An instance whose own heartbeat lapsed (its
database unreachable) may already be counted dead by the others: it owns
nothing until it beats again. Coming back, it still counts the instances it
saw before for HANDOVER_SECONDS: a database outage lapses them all, and the
first one back must not take the rooms of the others, who are back a beat later.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bots.instances import repository
from bridge.db import Database

log = logging.getLogger(__name__)

BEAT_SECONDS = 1.0
EXPIRY_SECONDS = 4.0
# Time a live instance has to notice that it lost a room and leave it, before the
# new owner enters: two beats, so it has read the new view at least once.
HANDOVER_SECONDS = 2 * BEAT_SECONDS

Listener = Callable[[], Coroutine[Any, Any, None]]


def new_id() -> str:
    """A fresh instance id, naming the process; it is also the bots' XMPP resource."""
    return f"bots-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def owner(chat_id: uuid.UUID, among: Iterable[str]) -> str | None:
    """The instance with the highest rendezvous weight for the chat, None among nobody."""
    return max(among, key=lambda instance: _weight(instance, chat_id), default=None)


def _weight(instance: str, chat_id: uuid.UUID) -> bytes:
    return hashlib.sha256(f"{instance}/{chat_id}".encode()).digest()


class Instances:
    """The live instances as this one last saw them, kept fresh by `run`."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self.id = new_id()
        self.clock = clock
        self.live: tuple[str, ...] = ()  # empty until the first beat: owns nothing yet
        self.previous: tuple[str, ...] = ()
        self._last_beat = float("-inf")
        self._outage_view: tuple[str, ...] = ()  # who was live before the lapse
        self._grace_until = float("-inf")  # ... and is counted live until then
        self._lapse_told = True  # the listeners know it owns nothing (nothing yet, at the start)
        self._listeners: list[Listener] = []
        self._told: set[asyncio.Task[None]] = set()  # running listeners, kept from the GC

    def on_change(self, listener: Listener) -> None:
        """Call `listener` (as a task) whenever the rooms this instance owns may have changed."""
        self._listeners.append(listener)

    def owns(self, chat_id: uuid.UUID) -> bool:
        """True if this instance serves the chat's room now."""
        return not self.lapsed and owner(chat_id, self.live) == self.id

    def taken_from_live(self, chat_id: uuid.UUID) -> bool:
        """True if the chat was another instance's that still lives: it must leave first."""
        before = owner(chat_id, self.previous)
        return before is not None and before != self.id and before in self.live

    @property
    def lapsed(self) -> bool:
        """True while the others may count this instance dead (its heartbeat is too old)."""
        return self.clock() - self._last_beat > EXPIRY_SECONDS - BEAT_SECONDS

    async def beat(self) -> bool:
        """Write the heartbeat and read the live instances; True if what we own may differ."""
        try:
            live = await self.db.run(repository.beat, instance_id=self.id, expiry=EXPIRY_SECONDS)
        except SQLAlchemyError as error:
            log.warning("bots instance %s cannot beat: %s", self.id, type(error).__name__)
            if self.lapsed and not self._lapse_told:
                self._lapse_told = True
                return True
            return False
        was_lapsed = self._lapse_told or self.lapsed
        self._last_beat = self.clock()
        self._lapse_told = False
        live = self._with_those_coming_back(live, was_lapsed)
        if not was_lapsed and live == self.live:
            return False
        # Coming back (or starting), the rooms others hold are theirs until they leave them.
        self.previous = tuple(i for i in live if i != self.id) if was_lapsed else self.live
        self.live = live
        log.info("bots instance %s sees %d live: %s", self.id, len(live), ", ".join(live))
        return True

    def _with_those_coming_back(self, live: tuple[str, ...], was_lapsed: bool) -> tuple[str, ...]:
        if was_lapsed and self.live:  # back from an outage, not starting
            self._outage_view = self.live
            self._grace_until = self._last_beat + HANDOVER_SECONDS
        if self._last_beat > self._grace_until:
            return live
        return tuple(sorted(set(live) | set(self._outage_view)))

    async def join(self) -> None:
        """Beat twice, a beat apart: instances starting at the same moment see each other."""
        await self.beat()
        await asyncio.sleep(BEAT_SECONDS)
        await self.beat()

    async def run(self) -> None:
        """Beat until cancelled, telling the listeners when the view changed."""
        while True:
            if await self.beat():
                for listener in self._listeners:
                    task = asyncio.create_task(listener())
                    self._told.add(task)
                    task.add_done_callback(self._told.discard)
            await asyncio.sleep(BEAT_SECONDS)

    async def leave(self) -> None:
        """Remove this instance's row (a clean stop), so the others take over at once."""
        try:
            await self.db.run(repository.leave, instance_id=self.id)
        except SQLAlchemyError as error:  # its row expires by itself then
            log.warning("bots instance %s cannot leave: %s", self.id, type(error).__name__)
