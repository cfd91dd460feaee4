"""A raw XMPP client for load: asyncio streams, expat parsing, no slixmpp in the hot loop.

It does what a benchmark needs and nothing more: STARTTLS when the server
offers it, SASL PLAIN, resource binding, presence, joining a room without
history, sending timestamped room messages, and answering the server's pings.
Every received room message of a benchmark phase is handed to a callback with
its arrival time (`time.monotonic_ns`, the clock the senders stamp bodies with).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ssl
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast
from xml.sax.saxutils import escape, quoteattr

STREAM_NS = "http://etherx.jabber.org/streams"
CLIENT_NS = "jabber:client"
TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls"
SASL_NS = "urn:ietf:params:xml:ns:xmpp-sasl"
BIND_NS = "urn:ietf:params:xml:ns:xmpp-bind"
MUC_NS = "http://jabber.org/protocol/muc"
MUC_USER_NS = "http://jabber.org/protocol/muc#user"
PING_NS = "urn:xmpp:ping"
SID_NS = "urn:xmpp:sid:0"
READ_BYTES = 65536

OnMessage = Callable[[ET.Element, int], None]


class XmppError(RuntimeError):
    """The server refused a step (login, bind, room join) or closed the stream."""


@dataclass(frozen=True)
class Account:
    """Who logs in where: a bare JID, its password, and the server's address."""

    jid: str
    password: str
    host: str
    port: int

    @property
    def localpart(self) -> str:
        """The part before the @."""
        return self.jid.partition("@")[0]

    @property
    def domain(self) -> str:
        """The part after the @."""
        return self.jid.partition("@")[2]


class Stream:
    """Incremental parser of one XML stream: complete top-level stanzas, in order."""

    def __init__(self) -> None:
        self._parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        self._depth = 0
        self._root: ET.Element | None = None

    def feed(self, data: bytes) -> list[ET.Element]:
        """Parse more bytes; return the stanzas they completed."""
        self._parser.feed(data)
        done: list[ET.Element] = []
        for pair in self._parser.read_events():
            event, element = cast(tuple[str, ET.Element], pair)  # start/end events carry elements
            if event == "start":
                if self._depth == 0:
                    self._root = element
                self._depth += 1
                continue
            self._depth -= 1
            if self._depth == 1:
                done.append(element)
            elif self._depth == 0:
                raise XmppError("the server closed the stream")
        if done and self._root is not None:
            self._root.clear()  # the stream element would otherwise keep every stanza
        return done


class Client:
    """One logged-in XMPP session."""

    def __init__(self, account: Account, tls: ssl.SSLContext | None) -> None:
        self.account = account
        self.tls = tls
        self.on_message: OnMessage | None = None
        self.jid = account.jid
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._stream = Stream()
        self._pending: list[ET.Element] = []
        self._waiters: dict[str, asyncio.Future[ET.Element]] = {}
        self._pump: asyncio.Task[None] | None = None
        self._counter = 0
        self.closed = asyncio.Event()

    @property
    def online(self) -> bool:
        """Logged in, and the server has not closed the stream since."""
        return self._pump is not None and not self.closed.is_set()

    async def login(self, resource: str = "load") -> None:
        """Connect, secure the stream if offered, authenticate, bind and send presence."""
        self._reader, self._writer = await asyncio.open_connection(
            self.account.host, self.account.port, limit=READ_BYTES
        )
        features = await self._open()
        if features.find(f"{{{TLS_NS}}}starttls") is not None:
            if self.tls is None:
                raise XmppError("the server offers STARTTLS but no TLS context was given")
            self._send(f"<starttls xmlns='{TLS_NS}'/>")
            await self._expect(f"{{{TLS_NS}}}proceed")
            await self._writer.start_tls(self.tls, server_hostname=self.account.domain)
            features = await self._open()
        secret = f"\0{self.account.localpart}\0{self.account.password}".encode()
        self._send(
            f"<auth xmlns='{SASL_NS}' mechanism='PLAIN'>{base64.b64encode(secret).decode()}</auth>"
        )
        answer = await self._next()
        if answer.tag != f"{{{SASL_NS}}}success":
            raise PermissionError(f"login refused for {self.account.jid}")
        await self._open()
        bound = await self._setup_iq(
            f"<iq type='set' id='bind'><bind xmlns='{BIND_NS}'>"
            f"<resource>{escape(resource)}</resource></bind></iq>",
            "bind",
        )
        self.jid = bound.findtext(f".//{{{BIND_NS}}}jid") or self.account.jid
        self._send("<presence/>")
        self._pump = asyncio.create_task(self._read_forever())

    async def join(self, room: str, nick: str, timeout: float = 20) -> None:
        """Enter a room without history; wait for the room's own-presence (status 110)."""
        key = f"join:{room}/{nick}"
        waiter = self._waiters[key] = asyncio.get_running_loop().create_future()
        self._send(
            f"<presence to={quoteattr(f'{room}/{nick}')}><x xmlns='{MUC_NS}'>"
            "<history maxstanzas='0'/></x></presence>"
        )
        try:
            presence = await asyncio.wait_for(waiter, timeout)
        finally:
            self._waiters.pop(key, None)
        if presence.get("type") == "error":
            raise XmppError(f"{self.account.jid} cannot join {room}: {ET.tostring(presence)!r}")

    def say(self, room: str, body: str, origin_id: str) -> None:
        """Send a room message with an origin-id (buffered; never waits)."""
        self._send(
            f"<message to={quoteattr(room)} type='groupchat'><body>{escape(body)}</body>"
            f"<origin-id xmlns='{SID_NS}' id={quoteattr(origin_id)}/></message>"
        )

    async def close(self) -> None:
        """End the stream and the connection."""
        if self._writer is None:
            return
        with contextlib.suppress(OSError, RuntimeError):
            self._writer.write(b"</stream:stream>")
            self._writer.close()
            await asyncio.wait_for(self._writer.wait_closed(), 5)
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, XmppError, OSError):
                await self._pump
        self._writer = None

    async def _open(self) -> ET.Element:
        """(Re)start the stream and return the server's features."""
        self._stream = Stream()
        self._send(
            f"<?xml version='1.0'?><stream:stream to='{self.account.domain}' "
            f"xmlns='{CLIENT_NS}' xmlns:stream='{STREAM_NS}' version='1.0'>"
        )
        return await self._expect(f"{{{STREAM_NS}}}features")

    async def _expect(self, tag: str) -> ET.Element:
        element = await self._next()
        if element.tag != tag:
            raise XmppError(f"expected {tag}, got {ET.tostring(element)!r}")
        return element

    async def _setup_iq(self, iq: str, iq_id: str) -> ET.Element:
        self._send(iq)
        answer = await self._next()
        if answer.get("id") != iq_id or answer.get("type") != "result":
            raise XmppError(f"{self.account.jid}: {ET.tostring(answer)!r}")
        return answer

    async def _next(self) -> ET.Element:
        """The next stanza while logging in (before the reading task runs)."""
        assert self._reader is not None
        while not self._pending:
            data = await self._reader.read(READ_BYTES)
            if not data:
                raise XmppError(f"{self.account.jid}: connection closed while logging in")
            self._pending.extend(self._stream.feed(data))
        return self._pending.pop(0)

    async def _read_forever(self) -> None:
        assert self._reader is not None
        try:
            for element in self._pending:
                self._handle(element, time.monotonic_ns())
            self._pending.clear()
            while data := await self._reader.read(READ_BYTES):
                now = time.monotonic_ns()
                for element in self._stream.feed(data):
                    self._handle(element, now)
        finally:
            self.closed.set()

    def _handle(self, element: ET.Element, now: int) -> None:
        tag = element.tag
        if tag == f"{{{CLIENT_NS}}}message":
            if self.on_message is not None:
                self.on_message(element, now)
        elif tag == f"{{{CLIENT_NS}}}presence":
            self._on_presence(element)
        elif tag == f"{{{CLIENT_NS}}}iq" and element.find(f"{{{PING_NS}}}ping") is not None:
            # mod_ping ends sessions that do not answer; an idle benchmark client must.
            self._send(
                f"<iq type='result' id={quoteattr(element.get('id', ''))} "
                f"to={quoteattr(element.get('from', ''))}/>"
            )

    def _on_presence(self, presence: ET.Element) -> None:
        key = f"join:{presence.get('from', '')}"
        waiter = self._waiters.get(key)
        if waiter is None or waiter.done():
            return
        own = any(
            status.get("code") == "110" for status in presence.iter(f"{{{MUC_USER_NS}}}status")
        )
        if own or presence.get("type") == "error":
            waiter.set_result(presence)

    def _send(self, data: str) -> None:
        if self._writer is None or self._writer.is_closing():
            raise XmppError(f"{self.account.jid}: not connected")
        self._writer.write(data.encode())
