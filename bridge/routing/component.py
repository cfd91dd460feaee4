"""The bridge: an XMPP component (`support.<domain>`) that runs every chat's room.

It creates rooms, lets customers and supporters in, announces statuses, answers
supporters' commands (ad-hoc and chat), and logs every room message exactly once,
back-filling from each room's MAM archive whenever it (re)connects.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slixmpp import JID
from slixmpp.componentxmpp import ComponentXMPP
from sqlalchemy.exc import SQLAlchemyError

from bridge import heartbeats
from bridge.accounts import repository as accounts
from bridge.accounts.repository import User
from bridge.archive.service import Archiver, parse_duration
from bridge.chats import repository as chats
from bridge.chats.repository import Chat
from bridge.chats.service import OPEN
from bridge.db import Database
from bridge.messages import repository as message_log
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.routing import adhoc, chat_commands
from bridge.routing.archive_reader import archived_after
from bridge.routing.commands import make_commands
from bridge.routing.events import ChatEvents
from bridge.routing.message_log import MessageLog
from bridge.routing.rooms import XMPP_FAILURES, Room, Rooms, xml_text
from bridge.routing.session_guard import SessionGuard
from bridge.settings import Settings
from bridge.xmpp_server.admin_api import AdminApi, AdminApiError

log = logging.getLogger(__name__)

PLUGINS = (
    "xep_0030",
    "xep_0004",
    "xep_0045",
    "xep_0050",
    "xep_0059",
    "xep_0199",
    "xep_0203",
    "xep_0297",
    "xep_0313",
    "xep_0359",
)
HEARTBEAT_SECONDS = 5.0
ARCHIVE_FIRST_DELAY = 300.0  # after start-up, once the rooms are joined
ARCHIVE_INTERVAL = 86_400.0


class Bridge(ComponentXMPP):
    """The component: rooms, queue, commands and the message log."""

    def __init__(self, settings: Settings, db: Database, archive: Database) -> None:
        super().__init__(  # type: ignore[no-untyped-call]
            settings.component_jid,
            settings.component_secret,
            settings.xmpp_host,
            settings.xmpp_component_port,
        )
        for plugin in PLUGINS:
            self.register_plugin(plugin)
        self.settings = settings
        self.db = db
        self.rooms = Rooms(self, settings.xmpp_domain)
        self.message_log = MessageLog(db, MessageCipher(KeyStore.for_messages(settings)))
        self.events = ChatEvents(self)
        self.commands = make_commands(db, settings)
        self.session_guard = SessionGuard(db, AdminApi(settings))
        self.archiver = Archiver.for_settings(settings, db, archive)
        self.connected_event = asyncio.Event()
        self._message_tag = f"{{{self.default_ns}}}message"
        self._body_tag = f"{{{self.default_ns}}}body"
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self.add_event_handler("session_start", self._on_session_start)
        self.add_event_handler("disconnected", self._on_disconnected)
        self.add_filter("in", self._take_room_message)
        self.add_event_handler("groupchat_presence", self.rooms.note_occupant)
        self.add_event_handler("message", self._on_direct_message)

    async def room_for(self, chat: Chat) -> Room:
        """The chat's joined room, joining (and back-filling) it if needed."""
        return self.rooms.get(chat.room_jid) or await self._join_and_backfill(chat)

    async def identify(self, jid: JID) -> User | None:
        """The enabled staff member behind an address, if it is one."""
        if jid.domain != self.settings.xmpp_domain or not jid.user:
            return None
        user = await self.db.run(accounts.get_by_localpart, jid.user)
        return user if user is not None and user.is_staff and not user.disabled else None

    async def stop(self) -> None:
        """Write what is queued, leave XMPP and stop the workers."""
        self._stopping = True
        await asyncio.wait_for(self.message_log.flush(), 10)
        self.disconnect()
        for task in self._tasks:
            task.cancel()

    async def _on_session_start(self, _: Any) -> None:
        # slixmpp's ad-hoc plugin empties the command list whenever a session binds.
        adhoc.register(self, self.commands, self.identify)
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self.message_log.run()),
                asyncio.create_task(self.events.run()),
                asyncio.create_task(self._beat()),
                asyncio.create_task(self.session_guard.run()),
                asyncio.create_task(self._archive_daily()),
            ]
        self.rooms.by_jid.clear()
        await self._rejoin_open_rooms()
        self.connected_event.set()
        self.events.wake.set()
        log.info("bridge connected; %d rooms joined", len(self.rooms.by_jid))

    async def _rejoin_open_rooms(self) -> None:
        delay = 0.5
        while True:  # the database may be restarting: wait for it, rooms go on meanwhile
            try:
                open_chats = await self.db.run(chats.list_chats, statuses=OPEN)
                break
            except SQLAlchemyError as error:
                log.warning("cannot list open chats (%s); retrying", type(error).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        for chat in open_chats:
            if not chat.room_ready:
                continue  # its "created" event is still pending and will join it
            try:
                await self._join_and_backfill(chat)
            except (*XMPP_FAILURES, SQLAlchemyError) as error:
                log.warning("could not rejoin %s: %s", chat.room_jid, type(error).__name__)

    def _on_disconnected(self, _: Any) -> None:
        self.connected_event.clear()
        if self._stopping:
            return
        log.warning("bridge disconnected from ejabberd; reconnecting")
        self.connect()

    async def _join_and_backfill(self, chat: Chat) -> Room:
        room = await self.rooms.join(chat)
        last = chat.log_cursor
        async for stanza_id, message, stamp in archived_after(self, room.jid, self.rooms.me, last):
            entry = self.rooms.to_log(room, message.xml, stamp, stanza_id)
            if entry is not None:
                self.message_log.add(entry, complete_up_to=False)
            last = stanza_id
        await self.message_log.flush()
        if last:
            await self.db.run(message_log.set_cursor, chat.id, last)
        room.in_sync = True
        return room

    def _take_room_message(self, stanza: Any) -> Any:
        """Log a joined room's message with a body and keep it from slixmpp's handlers.

        The bridge receives every room message; matching each against all of
        slixmpp's handlers (and copying it for each match) cost more than logging
        it, and no handler of the bridge wants them. Anything else passes on.
        """
        xml = stanza.xml
        if (
            xml.tag != self._message_tag
            or xml.get("type") != "groupchat"
            or xml.find(self._body_tag) is None
        ):
            return stanza
        room = self.rooms.get(stanza["from"].bare)
        if room is None:
            return stanza
        if xml.find("{urn:xmpp:delay}delay") is None:  # not the history replayed on joining
            entry = self.rooms.to_log(room, xml)
            if entry is not None:
                self.message_log.add(entry, complete_up_to=room.in_sync)
        return None

    async def _on_direct_message(self, message: Any) -> None:
        if message["type"] not in ("chat", "normal") or not message["body"]:
            return
        if message["to"].bare != self.boundjid.bare:
            return  # private messages to the bridge's room nick are not commands
        supporter = await self.identify(message["from"])
        if supporter is None:
            text = "Only supporters can use these commands."
        else:
            text = await chat_commands.answer(self.commands, supporter, message["body"][:1000])
        message.reply(xml_text(text)).send()

    async def _archive_daily(self) -> None:
        """Move chats ended longer ago than ARCHIVE_AFTER into the archive, once a day."""
        older_than = parse_duration(self.settings.archive_after)
        while True:
            await asyncio.sleep(ARCHIVE_FIRST_DELAY)
            try:
                moved = await self.archiver.run(older_than)
                log.info("archived %d chats", moved)
            except (SQLAlchemyError, AdminApiError) as error:
                log.warning("archiving failed (%s); next try tomorrow", type(error).__name__)
            await asyncio.sleep(ARCHIVE_INTERVAL - ARCHIVE_FIRST_DELAY)

    async def _beat(self) -> None:
        """Tell /readyz the bridge is connected: at once, then every few seconds."""
        while True:
            await self.connected_event.wait()
            try:
                await self.db.run(heartbeats.beat, "bridge")
            except SQLAlchemyError as error:
                log.warning("heartbeat failed: %s", type(error).__name__)
            await asyncio.sleep(HEARTBEAT_SECONDS)
