"""Real XMPP clients for tests (slixmpp over TCP): customers, supporters, a component view."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import slixmpp
from slixmpp import JID
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from bridge.routing.component import PLUGINS

NS = "urn:customer-chat:0"


def list_number(listing: str, name: str) -> int:
    """The number a `list` reply gave the chat of this customer."""
    line = next(line for line in listing.splitlines() if name in line)
    return int(line.split(")", 1)[0])


@dataclass(frozen=True)
class Seen:
    """A room message as a client saw it."""

    stanza_id: str
    origin_id: str
    nick: str
    body: str
    status: str | None


def parse(message: Any) -> Seen:
    """Describe a room message (live or forwarded from MAM)."""
    status = message.xml.find(f"{{{NS}}}status")
    return Seen(
        stanza_id=message["stanza_id"]["id"],
        origin_id=message["origin_id"]["id"],
        nick=message["from"].resource,
        body=message["body"],
        status=status.get("value") if status is not None else None,
    )


class Client(slixmpp.ClientXMPP):
    """A logged-in user who collects room messages and direct messages."""

    def __init__(self, jid: str, password: str) -> None:
        super().__init__(jid, password)
        for plugin in PLUGINS:  # the bridge's own set: MUC, MAM, ad-hoc, ids, delays
            self.register_plugin(plugin)
        self.plugin["feature_mechanisms"].unencrypted_plain = True
        self.enable_starttls = False
        self.enable_direct_tls = False
        self.enable_plaintext = True
        self.room_messages: list[Seen] = []
        self.arrivals: list[tuple[str, float]] = []  # (body, perf_counter) for benchmarks
        self.direct: list[Any] = []
        self.changed = asyncio.Event()
        self.started = asyncio.Event()
        self.auth_failed = asyncio.Event()
        self.gone = asyncio.Event()  # the server ended the session
        self.add_event_handler("session_start", self._on_start)
        self.add_event_handler("failed_all_auth", lambda _: self.auth_failed.set())
        self.add_event_handler("disconnected", lambda _: self.gone.set())
        self.add_event_handler("groupchat_message", self._on_room_message)
        self.add_event_handler("message", self._on_message)
        # slixmpp raises "message" only for messages with a body; queue notices have none.
        self.register_handler(
            Callback(
                "queue notice",
                MatchXPath(f"{{jabber:client}}message/{{{NS}}}queue"),
                self._on_queue_notice,
            )
        )

    async def login(self, port: int, timeout: float = 15) -> None:
        """Connect and wait for the session (raises PermissionError on refused auth)."""
        self.connect(host="127.0.0.1", port=port)
        _done, _ = await asyncio.wait(
            [
                asyncio.ensure_future(self.started.wait()),
                asyncio.ensure_future(self.auth_failed.wait()),
            ],
            timeout=timeout,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if self.auth_failed.is_set():
            await self.logout()
            raise PermissionError(f"login refused for {self.boundjid.bare}")
        if not self.started.is_set():
            raise TimeoutError(f"no session for {self.boundjid.bare}")

    async def logout(self) -> None:
        """Close the stream and wait until the connection is gone."""
        if self.is_connected():
            await asyncio.wait_for(self.disconnect(), 10)

    async def join(self, room: str, nick: str) -> None:
        """Enter a room without history (MAM is the only source of backlog)."""
        await self.plugin["xep_0045"].join_muc_wait(JID(room), nick, maxstanzas=0, timeout=15)

    def say(self, room: str, body: str, origin_id: str | None = None) -> str:
        """Send a room message with an origin-id; return the origin-id."""
        origin = origin_id or str(uuid.uuid4())
        message = self.make_message(mto=JID(room), mbody=body, mtype="groupchat")
        message["origin_id"]["id"] = origin
        message.send()
        return origin

    def tell(self, to: str, body: str) -> str:
        """Send a one-to-one chat message; return its id."""
        message = self.make_message(mto=JID(to), mbody=body, mtype="chat")
        message.send()
        return str(message["id"])

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 15) -> Any:
        """Wait until `condition()` is truthy and return its value."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (value := condition()):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError("condition not met in time")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.5))
        return value

    async def reply_to(self, to: str, body: str, timeout: float = 15) -> str:
        """Send a chat message and wait for the answer (not a queue notice) from that address."""
        before = len(self.direct)
        self.tell(to, body)
        message = await self.wait_for(
            lambda: next((m for m in self.direct[before:] if _is_answer(m, to)), None),
            timeout,
        )
        return str(message["body"])

    async def history(self, room: str, after: str | None = None) -> list[Seen]:
        """Every archived room message after a stanza-id, via MAM, in order."""
        rsm: dict[str, Any] = {"max": 100}
        if after:
            rsm["after"] = after
        found = []
        async for result in self.plugin["xep_0313"].iterate(jid=JID(room), rsm=rsm):
            forwarded = result["mam_result"]["forwarded"]["stanza"]
            seen = parse(forwarded)
            found.append(
                Seen(result["mam_result"]["id"], seen.origin_id, seen.nick, seen.body, seen.status)
            )
        return found

    def statuses(self) -> list[str]:
        """The status values announced in rooms so far."""
        return [m.status for m in self.room_messages if m.status]

    async def _on_start(self, _: Any) -> None:
        self.send_presence()
        await self.get_roster()
        self.started.set()

    def _on_room_message(self, message: Any) -> None:
        if message.xml.find("{urn:xmpp:delay}delay") is None and message["body"]:
            self.room_messages.append(parse(message))
            self.arrivals.append((message["body"], time.perf_counter()))
            self.changed.set()

    def _on_message(self, message: Any) -> None:
        if message["type"] in ("chat", "normal", "headline"):
            self.direct.append(message)
            self.changed.set()

    def _on_queue_notice(self, message: Any) -> None:
        if not message["body"]:
            self._on_message(message)


def _is_answer(message: Any, sender: str) -> bool:
    """A reply to a command from that address (a room occupant's, or any of a user's)."""
    notice = message.xml.find(f"{{{NS}}}queue")
    frm = message["from"]
    same = frm.full == sender if JID(sender).resource else frm.bare == sender
    return bool(same and message["body"] and notice is None)
