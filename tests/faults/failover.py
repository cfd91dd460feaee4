"""A test client that survives its ejabberd node dying, as a desktop client behind a balancer.

It knows several c2s ports (one per node). When its connection drops without a
logout it logs in through the next node, enters its rooms again, catches up
from each room's archive (MAM) after the last stanza-id it saw, and only then
sends what the user typed meanwhile and what the room never reflected (known by
origin-id), so nothing is lost, doubled or reordered.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

from tests.xmpp import Client, Seen, parse


@dataclass(frozen=True)
class Outgoing:
    """A room message the user typed that the room has not reflected yet."""

    room: str
    body: str
    origin_id: str


@dataclass(frozen=True)
class Failover:
    """One reconnection: seconds until back in the rooms, messages the archive added, resent."""

    seconds: float
    caught_up: int
    resent: int


class FailoverClient(Client):
    """A client that moves to another node by itself when its node goes away."""

    def __init__(self, jid: str, password: str, ports: list[int]) -> None:
        super().__init__(jid, password)
        self.ports = ports
        self.port = ports[0]
        self.failovers: list[Failover] = []
        self.reconnecting: asyncio.Task[None] | None = None
        self._rooms: dict[str, str] = {}  # room -> nick
        self._last_id: dict[str, str] = {}  # room -> last stanza-id seen
        self._stanza_ids: set[str] = set()
        self._outbox: list[Outgoing] = []
        self._held: dict[str, list[Any]] | None = None  # live messages during a catch-up
        self._online = False
        self._leaving = False
        self.add_event_handler("disconnected", self._on_disconnected)

    async def login(self, port: int, timeout: float = 15) -> None:
        """Connect through the node on `port` and wait for the session."""
        self.port = port
        self.started.clear()
        await super().login(port, timeout)
        self._online = True

    async def logout(self) -> None:
        """Close the stream for good: no failover after this."""
        self._leaving = True
        await super().logout()

    async def join(self, room: str, nick: str) -> None:
        """Enter a room and remember it, to enter it again after a failover."""
        await super().join(room, nick)
        self._rooms[room] = nick

    def say(self, room: str, body: str, origin_id: str | None = None) -> str:
        """Send a room message now, or once the client is back in its rooms."""
        outgoing = Outgoing(room, body, origin_id or str(uuid.uuid4()))
        self._outbox.append(outgoing)  # until the room reflects it
        if self._online:
            self._send(outgoing)
        return outgoing.origin_id

    def _send(self, outgoing: Outgoing) -> None:
        super().say(outgoing.room, outgoing.body, outgoing.origin_id)

    def _on_room_message(self, message: Any) -> None:
        room = message["from"].bare
        if self._held is not None and room in self._held:
            self._held[room].append(message)
        elif message.xml.find("{urn:xmpp:delay}delay") is None and message["body"]:
            self._record(room, parse(message))

    def _record(self, room: str, seen: Seen) -> int:
        """Keep a room message once (by stanza-id); 1 if it was new."""
        if seen.stanza_id in self._stanza_ids:
            return 0
        self._stanza_ids.add(seen.stanza_id)
        self._last_id[room] = seen.stanza_id
        self.room_messages.append(seen)
        self.arrivals.append((seen.body, time.perf_counter()))
        if seen.nick == self._rooms.get(room):
            self._outbox = [o for o in self._outbox if o.origin_id != seen.origin_id]
        self.changed.set()
        return 1

    def _on_disconnected(self, _: Any) -> None:
        self._online = False
        busy = self.reconnecting is not None and not self.reconnecting.done()
        if not self._leaving and self._rooms and not busy:
            self.reconnecting = asyncio.ensure_future(self._fail_over())

    async def _fail_over(self) -> None:
        """Log in through another node, catch the rooms up, then send what is pending."""
        started = time.monotonic()
        await self._login_elsewhere()
        self._online = False  # hold what the user types until the rooms are caught up
        self._held = {room: [] for room in self._rooms}
        caught_up = 0
        for room, nick in self._rooms.items():
            await Client.join(self, room, nick)
            for seen in await self.history(room, after=self._last_id.get(room)):
                caught_up += self._record(room, seen)
        held, self._held = self._held, None
        for messages in held.values():  # live after re-entering; most are archived too
            for message in messages:
                self._on_room_message(message)
        pending = list(self._outbox)
        self._online = True
        for outgoing in pending:
            self._send(outgoing)
        self.failovers.append(Failover(time.monotonic() - started, caught_up, len(pending)))

    async def _login_elsewhere(self) -> None:
        """Try the other nodes first, then every node once more."""
        after = self.ports.index(self.port) + 1
        for port in self.ports[after:] + self.ports:
            try:
                await self.login(port)
                return
            except TimeoutError:
                continue
        raise ConnectionError(f"no node of {self.ports} let {self.boundjid.bare} in")
