"""What the bots share: an account that sits in the rooms of the chats it serves.

A bot serves the chats of one status (the assistant `bot`, the suggestions
`active`): it enters their rooms when it connects, and the rooms the bridge
invites it to; each room keeps a state of the bot's own kind. Several bots
processes share the rooms (`bots/instances/`): a bot enters and heeds only
the rooms its instance owns, and leaves those that moved to another one.

A bot learns what it missed from the bridge's log, so it first waits until
the log holds the room's latest archived message (after an outage the bridge
may still be writing it). A message it could not act on because the database
was down is taken up again once the database is back and the log has it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import slixmpp
from slixmpp import JID
from slixmpp.exceptions import IqError, IqTimeout, PresenceError
from slixmpp.xmlstream.handler import CoroutineCallback
from slixmpp.xmlstream.matcher import MatchXPath
from sqlalchemy.exc import SQLAlchemyError

from bots.instances.membership import HANDOVER_SECONDS, Instances
from bridge.chats import repository as chats
from bridge.chats.repository import Chat
from bridge.chats.states import Status
from bridge.db import Database
from bridge.messages import repository as messages
from bridge.messages.crypto import MessageCipher
from bridge.settings import Settings

log = logging.getLogger(__name__)

PLUGINS = ("xep_0030", "xep_0045", "xep_0059", "xep_0199", "xep_0203", "xep_0313", "xep_0359")
JOIN_FAILURES = (IqError, IqTimeout, PresenceError, TimeoutError)
JOIN_SECONDS = 10
LOG_WAIT_SECONDS = 30.0  # the bridge catches up within seconds; then go on with what there is
LOG_POLL_SECONDS = 0.25
RETRY_SECONDS = 1.0

State = TypeVar("State")


class RoomBot(slixmpp.ClientXMPP, ABC, Generic[State]):
    """A bot's XMPP client: enters its chats' rooms, then `catch_up` reads what it missed."""

    nick: str
    serves: Status

    def __init__(self, localpart: str, settings: Settings, db: Database, cipher: MessageCipher):
        super().__init__(f"{localpart}@{settings.xmpp_domain}", settings.bot_password)
        for plugin in PLUGINS:
            self.register_plugin(plugin)
        self.settings = settings
        self.db = db
        self.cipher = cipher
        self.rooms: dict[str, State] = {}
        self.instances: Instances | None = None  # alone: every room is this bot's
        # Rooms to catch up again once the database is back, with the stanza-id of the
        # message that was not acted on (None: a catch-up itself failed).
        self._due: dict[str, str | None] = {}
        self._retries: set[asyncio.Task[None]] = set()
        self._in_session = False
        self._rebalancing = asyncio.Lock()
        self.add_event_handler("session_start", self._on_start)
        self.add_event_handler("disconnected", self._on_disconnected)
        self.add_event_handler("groupchat_message", self._on_room_message)
        self.register_handler(
            CoroutineCallback(
                "room invitation",
                MatchXPath("{jabber:client}message/{jabber:x:conference}x"),
                self._on_invitation,
            )
        )

    @abstractmethod
    def new_state(self, chat: Chat) -> State:
        """What the bot keeps of a room it enters."""

    @abstractmethod
    async def catch_up(self, room: str, unanswered: str | None = None) -> None:
        """Learn what was said in the room before the bot (re)entered it, from the log.

        With `unanswered` (a stanza-id), act on the room's last customer message only
        if it is that one: acting on it failed, and nothing newer came since.
        """

    @abstractmethod
    async def on_room_message(self, message: Any) -> None:
        """A message in one of the rooms."""

    async def prepare(self) -> None:
        """Work to do once connected, before the rooms are entered."""

    def share_rooms(self, instances: Instances) -> None:
        """Serve only the rooms this instance owns; connect with the instance id as resource."""
        self.instances = instances
        self.requested_jid = JID(f"{self.requested_jid.bare}/{instances.id}")
        instances.on_change(self.rebalance)

    def owns(self, chat_id: uuid.UUID) -> bool:
        """True if this bot serves the chat's room (its instance owns it, or it is alone)."""
        return self.instances is None or self.instances.owns(chat_id)

    async def rebalance(self) -> None:
        """Leave the rooms another instance owns now; enter the served chats' rooms now ours.

        A room taken from a live instance is entered only after HANDOVER_SECONDS,
        once that instance has left it: two bots never both answer in one room.
        """
        if not self._in_session:
            return  # `_on_start` enters the rooms once connected
        async with self._rebalancing:
            for room in [room for room in self.rooms if not self._owns_room(room)]:
                self.leave(room)
            try:
                served = await self.db.run(chats.list_chats, statuses=(self.serves,))
            except SQLAlchemyError as error:  # the invitations still bring it into new rooms
                log.warning("%s cannot list its chats: %s", self.nick, type(error).__name__)
                return
            gained = [c for c in served if c.room_jid not in self.rooms and self.owns(c.id)]
            later = [c for c in gained if self.instances and self.instances.taken_from_live(c.id)]
            for chat in gained:
                if chat not in later:
                    await self.enter(chat)
            if later:
                await asyncio.sleep(HANDOVER_SECONDS)
                for chat in later:
                    if self.owns(chat.id):
                        await self.enter(chat)

    def leave(self, room: str) -> None:
        """Leave a room and forget its state (whoever enters it next catches up)."""
        del self.rooms[room]
        self._due.pop(room, None)
        with contextlib.suppress(KeyError):  # the join had not completed
            self.plugin["xep_0045"].leave_muc(JID(room), self.nick)
        log.info("%s left %s", self.nick, room)

    async def enter(self, chat: Chat) -> None:
        """Join a chat's room (the bridge made the bot a member), then catch up."""
        if chat.room_jid not in self.rooms:
            # Known before the join completes: the room relays messages as soon as we are in.
            self.rooms[chat.room_jid] = self.new_state(chat)
            try:
                await self.plugin["xep_0045"].join_muc_wait(
                    JID(chat.room_jid), self.nick, maxstanzas=0, timeout=JOIN_SECONDS
                )
            except JOIN_FAILURES as error:
                del self.rooms[chat.room_jid]
                log.warning(
                    "%s cannot enter %s: %s", self.nick, chat.room_jid, type(error).__name__
                )
                return
            log.info("%s in %s", self.nick, chat.room_jid)
        await self._guarded(chat.room_jid, self._catch_up_when_logged(chat.room_jid))

    def heard(self, message: Any) -> State | None:
        """The room's state if the message is a live one from someone else there, else None."""
        state = self.rooms.get(message["from"].bare)
        if state is None or not message["body"] or message["from"].resource == self.nick:
            return None
        replayed = message.xml.find("{urn:xmpp:delay}delay") is not None
        return None if replayed else state

    def real_jid(self, message: Any) -> JID:
        """Who stands behind the nick of a room message (the rooms are non-anonymous)."""
        room, nick = JID(message["from"].bare), message["from"].resource
        return JID(self.plugin["xep_0045"].get_jid_property(room, nick, "jid"))

    async def _on_start(self, _: Any) -> None:
        self.send_presence()
        self.rooms.clear()
        await self.prepare()
        self._in_session = True
        await self.rebalance()

    def _on_disconnected(self, _: Any) -> None:
        self._in_session = False

    async def _on_room_message(self, message: Any) -> None:
        # Right after a view change the room may still relay to an instance leaving it.
        room = message["from"].bare
        if self._owns_room(room):
            await self._guarded(room, self.on_room_message(message), message)

    async def _guarded(self, room: str, work: Awaitable[None], message: Any = None) -> None:
        """Do the room's work (on `message`); if the database is down, catch up once it is back."""
        try:
            await work
        except SQLAlchemyError as error:
            log.warning(
                "%s cannot act in %s now (%s): it catches up when the database is back",
                self.nick,
                room,
                type(error).__name__,
            )
            unanswered = (str(message["stanza_id"]["id"]) or None) if message is not None else None
            self._catch_up_later(room, unanswered)

    def _catch_up_later(self, room: str, unanswered: str | None) -> None:
        retrying = room in self._due
        self._due[room] = unanswered or self._due.get(room)
        if not retrying:
            task = asyncio.create_task(self._retry(room))
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)

    async def _retry(self, room: str) -> None:
        while room in self._due:
            await asyncio.sleep(RETRY_SECONDS)
            if room not in self.rooms:
                return  # left: whoever enters it next catches up
            unanswered = self._due[room]
            try:
                await self._catch_up_when_logged(room, unanswered)
            except SQLAlchemyError:
                continue
            if self._due.get(room) == unanswered:  # else a newer message failed meanwhile
                del self._due[room]

    async def _catch_up_when_logged(self, room: str, unanswered: str | None = None) -> None:
        """Catch up once the log holds the room's latest archived message (or after a while)."""
        latest = await self._latest_archived(room)
        chat_id = _chat_id(JID(room))
        if latest and chat_id:

            async def logged() -> bool:
                return await self.db.run(messages.holds, chat_id, latest)

            if not await _poll(logged, LOG_WAIT_SECONDS):
                log.warning("%s: the log of %s lags; catching up with what it has", self.nick, room)
        if room in self.rooms:
            await self.catch_up(room, unanswered)

    async def _latest_archived(self, room: str) -> str | None:
        """The stanza-id of the room's latest archived message (MAM), if any."""
        mam = self.plugin["xep_0313"]
        try:
            async for result in mam.iterate(jid=JID(room), reverse=True, rsm={"max": 1}, total=1):
                return str(result["mam_result"]["id"])
        except (IqError, IqTimeout) as error:
            reason = type(error).__name__
            log.warning("%s cannot read the archive of %s: %s", self.nick, room, reason)
        return None

    def _owns_room(self, room: str) -> bool:
        chat_id = _chat_id(JID(room))
        return chat_id is not None and self.owns(chat_id)

    async def _on_invitation(self, message: Any) -> None:
        invitation = message.xml.find("{jabber:x:conference}x")
        chat_id = _chat_id(JID(invitation.get("jid", "")))
        if chat_id is None or message["from"].bare != self.settings.component_jid:
            return
        chat = await self.db.run(chats.get, chat_id)
        if chat is not None and chat.status is self.serves and self.owns(chat.id):
            await self.enter(chat)


async def _poll(check: Callable[[], Awaitable[bool]], timeout: float) -> bool:
    """Ask `check` every LOG_POLL_SECONDS until it says yes (True) or `timeout` passed (False)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(LOG_POLL_SECONDS)
    return True


def _chat_id(room: JID) -> uuid.UUID | None:
    try:
        return uuid.UUID(room.user.removeprefix("chat-"))
    except ValueError:
        return None
