"""Steady chatting in several rooms while a fault happens, and the counts it ends with.

Each chat has a customer and a supporter, both sending numbered messages at a
moderate rate. Afterwards every message is looked for three times: reflected
to its sender, received by the other side, and in the PostgreSQL log.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from bridge.messages import repository as message_log
from bridge.messages.crypto import KeyStore, MessageCipher
from tests.conftest import eventually
from tests.stack import Stack
from tests.xmpp import Client

RATE = 4.0  # messages a second from each customer and each supporter


@dataclass(frozen=True)
class Side:
    """One person's end of a chat: who sends, under which nick, and who should hear it."""

    client: Client
    nick: str
    other: Client


@dataclass(frozen=True)
class Pair:
    """A chat with its customer and supporter, both in the room."""

    chat_id: str
    room: str
    customer: Side
    supporter: Side

    @property
    def sides(self) -> tuple[Side, Side]:
        """The customer's end, then the supporter's."""
        return self.customer, self.supporter


@dataclass
class Stream:
    """The numbered messages one side sent into one room."""

    pair: Pair
    side: Side
    prefix: str
    sent: list[str] = field(default_factory=list)

    def seen_by(self, client: Client) -> list[str]:
        """This stream's messages as a client saw them live, in arrival order."""
        return [
            m.body
            for m in client.room_messages
            if m.nick == self.side.nick and m.body.startswith(self.prefix)
        ]

    def delivered(self) -> bool:
        """Every message sent so far came back to its sender and reached the other side."""
        expected = set(self.sent)
        return all(set(self.seen_by(c)) >= expected for c in (self.side.client, self.side.other))


@dataclass(frozen=True)
class Counts:
    """What a fault test measured, in the words of the issue."""

    sent: int
    reflected: int
    received: int
    logged: int
    lost: int
    duplicated: int
    out_of_order: int

    def line(self, fault: str, extra: str = "") -> str:
        """One line for the test report."""
        return (
            f"{fault}: sent {self.sent}, reflected {self.reflected}, "
            f"received by the other side {self.received}, logged {self.logged}, "
            f"lost {self.lost}, duplicated {self.duplicated}, out of order {self.out_of_order}"
            + (f"; {extra}" if extra else "")
        )


class Load:
    """Every side of every chat sends `<prefix><number>` at RATE until stopped."""

    def __init__(self, pairs: Iterable[Pair], tag: str) -> None:
        self.streams = [
            Stream(pair, side, f"{tag} {number}-{'customer' if n == 0 else 'supporter'} ")
            for number, pair in enumerate(pairs)
            for n, side in enumerate(pair.sides)
        ]
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start sending from every side."""
        self._tasks = [asyncio.create_task(self._send(stream)) for stream in self.streams]

    async def stop(self) -> None:
        """Stop sending and wait until the senders are done."""
        self._stop.set()
        await asyncio.gather(*self._tasks)

    @property
    def sent(self) -> int:
        """How many messages were sent so far."""
        return sum(len(stream.sent) for stream in self.streams)

    async def delivered(self, timeout: float = 30) -> None:
        """Wait until every message sent was reflected and reached the other side."""
        await eventually(lambda: all(s.delivered() for s in self.streams) or None, timeout)

    async def _send(self, stream: Stream) -> None:
        number = 0
        while not self._stop.is_set():
            body = f"{stream.prefix}{number:04d}"
            stream.side.client.say(stream.pair.room, body)
            stream.sent.append(body)
            number += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), 1 / RATE)


class Log:
    """The chats' PostgreSQL log as the bridge wrote it (read straight from the database)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.cipher = MessageCipher(KeyStore.for_messages(stack.settings))

    def bodies(self, chat_id: str) -> list[str]:
        """A chat's logged message bodies in log order, or [] while the database is away."""
        try:
            rows = self.stack.db.run_sync(
                message_log.list_for_chat, uuid.UUID(chat_id), self.cipher, limit=10_000
            )
        except SQLAlchemyError:
            return []
        return [str(row["body"]) for row in rows]

    def holds(self, expected: list[tuple[str, set[str]]]) -> bool:
        """True once the log holds these messages of these chats."""
        logs = {chat: set(self.bodies(chat)) for chat in {chat for chat, _ in expected}}
        return all(bodies <= logs[chat] for chat, bodies in expected)

    async def caught_up(self, load: Load, timeout: float) -> float:
        """Wait until the log holds every message sent until now; seconds it took."""
        started = time.monotonic()
        expected = [(stream.pair.chat_id, set(stream.sent)) for stream in load.streams]
        await eventually(lambda: self.holds(expected) or None, timeout)
        return time.monotonic() - started

    def counts(self, *loads: Load) -> Counts:
        """Count every stream's messages as reflected, received and logged."""
        streams = [stream for load in loads for stream in load.streams]
        logs = {chat: self.bodies(chat) for chat in {s.pair.chat_id for s in streams}}
        totals = Counter[str]()
        for stream in streams:
            views = {
                "reflected": stream.seen_by(stream.side.client),
                "received": stream.seen_by(stream.side.other),
                "logged": [b for b in logs[stream.pair.chat_id] if b.startswith(stream.prefix)],
            }
            sent = set(stream.sent)
            totals["sent"] += len(stream.sent)
            for name, seen in views.items():
                totals[name] += len(sent & set(seen))
                totals["duplicated"] += len(seen) - len(set(seen))
                totals["out_of_order"] += inversions(seen)
            totals["lost"] += len({b for b in sent if any(b not in v for v in views.values())})
        return Counts(**{name: totals[name] for name in Counts.__dataclass_fields__})


def inversions(bodies: list[str]) -> int:
    """How many messages came after one sent later than them (numbers end each body)."""
    numbers = [int(body.rsplit(" ", 1)[1]) for body in bodies]
    return sum(later < earlier for earlier, later in itertools.pairwise(numbers))


def mam_storage(stack: Stack) -> str:
    """Where ejabberd keeps the rooms' archives (`mnesia` or `sql`), from its rendered config."""
    found = re.search(r"mod_mam:\s*\n\s+db_type:\s*(\w+)", stack.ejabberd.layout.config.read_text())
    return found.group(1) if found else "default"
