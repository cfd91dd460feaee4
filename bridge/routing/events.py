"""Carries out committed chat events in XMPP: rooms, members, announcements, notices.

The api and the commands only write the database and queue an event (an outbox);
this worker is woken by PostgreSQL's NOTIFY, falls back to polling, and marks an
event done only after acting on it, so a restarted bridge finishes what was left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

import psycopg2
from slixmpp import JID
from sqlalchemy.exc import SQLAlchemyError

from bridge.accounts import bots
from bridge.accounts import repository as accounts
from bridge.accounts.repository import User
from bridge.chats import repository as chats
from bridge.chats import service as chats_service
from bridge.chats.repository import Chat, ChatEvent
from bridge.chats.states import Status
from bridge.routing.rooms import NS, XMPP_FAILURES, Room, Supporter, xml_text

if TYPE_CHECKING:
    from bridge.routing.component import Bridge

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0


class ChatEvents:
    """Applies pending chat events in order, one at a time."""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self.db = bridge.db
        self.wake = asyncio.Event()
        self._listener: Any = None
        self._listener_fd = -1

    async def run(self) -> None:
        """Apply events as they are committed, for ever."""
        while True:
            if self._listener is None:
                await self._listen()
            try:
                await self.apply_pending()
            except SQLAlchemyError as error:
                log.warning("chat events unavailable: %s", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), POLL_SECONDS)
            self.wake.clear()

    async def apply_pending(self) -> None:
        """Apply every pending event; stop at the first that XMPP refuses (retried later)."""
        for event in await self.db.run(chats.pending_events):
            try:
                await self.apply(event)
            except XMPP_FAILURES as error:
                log.warning(
                    "event %s (%s) failed: %s; will retry",
                    event.id,
                    event.kind,
                    type(error).__name__,
                )
                return
            await self.db.run(chats.mark_event_done, event.id)

    async def apply(self, event: ChatEvent) -> None:
        """Carry out one event."""
        chat = await self.db.run(chats.get, event.chat_id)
        if chat is None:
            return
        origin = f"chat-event-{event.id}"
        if event.kind == "created":
            await self._created(chat, origin, Status(event.payload.get("status", Status.WAITING)))
        elif event.kind == "handed_over":
            await self._handed_over(chat, origin, event.payload)
        elif event.kind == "handed_back":
            room = await self.bridge.room_for(chat)
            await self._bring_assistant(room, chat)
            self.bridge.rooms.announce(room, Status.BOT, origin)
            await self._tell_staff(chat, str(Status.BOT))
        elif event.kind in ("taken", "transferred"):
            await self._handed(chat, origin, event.kind, event.payload)
        elif event.kind == "invited":
            await self._open_room(chat)
            await self._handed(chat, origin, "taken", event.payload)
        elif event.kind == "reply":
            await self._reply(chat, event.payload)
        elif event.kind == "renamed":
            await self._tell_staff(chat, str(chat.status))
        elif event.kind == "ended":
            room = await self.bridge.room_for(chat)
            self.bridge.rooms.announce(room, Status.ENDED, origin)
            await self._tell_staff(chat, "ended")

    async def _open_room(self, chat: Chat) -> Room:
        room = await self.bridge.room_for(chat)
        await self.db.run(chats.update_chat, chat.id, room_ready=True)
        return room

    async def _created(self, chat: Chat, origin: str, first: Status) -> None:
        room = await self._open_room(chat)
        if first is Status.BOT:
            await self._bring_assistant(room, chat)
            self.bridge.rooms.announce(room, Status.BOT, origin)
            await self._tell_staff(chat, str(Status.BOT))
            return
        self.bridge.rooms.announce(room, Status.WAITING, origin)
        await self._announce_waiting(chat)

    async def _handed_over(self, chat: Chat, origin: str, payload: dict[str, Any]) -> None:
        room = await self.bridge.room_for(chat)
        self.bridge.rooms.announce(room, Status.WAITING, origin)
        summary = self.bridge.message_log.cipher.open(
            chats_service.sealed_text(payload), chat_id=chat.id, message_id=payload["summary_id"]
        )
        await self._announce_waiting(chat, f"The assistant handed it over. {summary}")

    async def _announce_waiting(self, chat: Chat, summary: str = "") -> None:
        subject = f" — {chat.subject}" if chat.subject else ""
        await self._tell_staff(
            chat,
            "waiting",
            f"New chat waiting: {chat.customer_name}{subject}. "
            + (f"{summary}\n" if summary else "")
            + "Reply 'list' to see the queue, 'take N' to take it.",
        )

    async def _handed(self, chat: Chat, origin: str, kind: str, payload: dict[str, Any]) -> None:
        room = await self.bridge.room_for(chat)
        supporter = await self._user(payload["supporter_id"])
        previous = await self._user(payload["previous_id"]) if payload.get("previous_id") else None
        if supporter is None:
            return
        await self.bridge.rooms.add_member(room, str(self._jid(supporter)))
        await self._bring_suggestions(room, chat)
        if kind == "taken":
            self.bridge.rooms.announce(room, Status.ACTIVE, origin)
        if previous is not None and previous.id != supporter.id:
            self.bridge.rooms.notice(
                room, f"{supporter.display_name} is now looking after your chat.", origin + "-n"
            )
            verb = "took over" if kind == "taken" else "now has"
            self._send(
                previous,
                f"{supporter.display_name} {verb} your chat with {chat.customer_name}.",
                chat,
                "active",
            )
        self._invite(supporter, room, chat, previous)
        await self._tell_staff(chat, "active")

    def _invite(self, supporter: User, room: Room, chat: Chat, previous: User | None) -> None:
        # A direct invitation (XEP-0249) that desktop clients offer to join; the body is
        # for clients without it.
        took_over = f" (taken over from {previous.display_name})" if previous else ""
        message = self.bridge.make_message(
            mto=self._jid(supporter),
            mbody=xml_text(
                f"You have the chat with {chat.customer_name}{took_over}. "
                f"Join {room.jid.bare} to answer."
            ),
            mtype="chat",
            mfrom=self.bridge.boundjid,
        )
        message.xml.append(_invitation(room, f"Chat with {chat.customer_name}"))
        message.xml.append(_queue_element(chat, "active"))
        message.send()

    async def _reply(self, chat: Chat, payload: dict[str, Any]) -> None:
        supporter = await self._user(payload["supporter_id"])
        if supporter is None:
            return
        reply_id = str(payload["reply_id"])
        sealed = chats_service.sealed_text(payload)
        text = self.bridge.message_log.cipher.open(sealed, chat_id=chat.id, message_id=reply_id)
        room = await self.bridge.room_for(chat)
        author = Supporter(str(self._jid(supporter)), supporter.display_name)
        self.bridge.rooms.say_for(room, author, text, reply_id)

    async def _bring_suggestions(self, room: Room, chat: Chat) -> None:
        """Bring `suggest@` into the room: it suggests replies to the supporter there."""
        await self._bring_bot(room, bots.SUGGEST, f"Suggest replies to {chat.customer_name}")

    async def _bring_assistant(self, room: Room, chat: Chat) -> None:
        """Bring `assistant@` into the room: it answers the customer until a person takes over."""
        await self._bring_bot(room, bots.ASSISTANT, f"Answer {chat.customer_name}")

    async def _bring_bot(self, room: Room, localpart: str, reason: str) -> None:
        bot = JID(f"{localpart}@{self.bridge.settings.xmpp_domain}")
        await self.bridge.rooms.add_member(room, str(bot))
        message = self.bridge.make_message(mto=bot, mtype="normal", mfrom=self.bridge.boundjid)
        message.xml.append(_invitation(room, reason))
        message.send()

    async def _tell_staff(self, chat: Chat, status: str, body: str | None = None) -> None:
        for member in await self.db.run(accounts.list_staff):
            self._send(member, body, chat, status)

    def _send(self, user: User, body: str | None, chat: Chat, status: str) -> None:
        message = self.bridge.make_message(
            mto=self._jid(user),
            mbody=xml_text(body) if body else None,
            mtype="chat" if body else "headline",
            mfrom=self.bridge.boundjid,
        )
        message.xml.append(_queue_element(chat, status))
        message.xml.append(ET.Element("{urn:xmpp:hints}no-store"))
        message.send()

    async def _user(self, user_id: str) -> User | None:
        return await self.db.run(accounts.get, uuid.UUID(user_id))

    def _jid(self, user: User) -> JID:
        return JID(f"{user.localpart}@{self.bridge.settings.xmpp_domain}")

    async def _listen(self) -> None:
        try:
            self._listener = await asyncio.to_thread(self._open_listener)
        except (SQLAlchemyError, psycopg2.Error) as error:  # a raw connection raises psycopg2's
            log.warning("cannot LISTEN for chat events: %s", type(error).__name__)
            return
        self._listener_fd = self._listener.fileno()
        asyncio.get_running_loop().add_reader(self._listener_fd, self._on_notify)

    def _open_listener(self) -> Any:
        # A connection of its own, outside the pool: it stays in LISTEN mode.
        engine = self.db.engine
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        connection = engine.dialect.connect(*cargs, **cparams)
        connection.autocommit = True
        cursor = connection.cursor()
        cursor.execute(f"LISTEN {chats.EVENTS_CHANNEL}")
        cursor.close()
        return connection

    def _on_notify(self) -> None:
        try:
            self._listener.poll()
            self._listener.notifies.clear()
        except Exception:  # the connection broke: poll until a new LISTEN works
            asyncio.get_running_loop().remove_reader(self._listener_fd)
            self._listener = None
        self.wake.set()


def _invitation(room: Room, reason: str) -> ET.Element:
    """A direct invitation to the room (XEP-0249)."""
    return ET.Element("{jabber:x:conference}x", jid=room.jid.bare, reason=xml_text(reason))


def _queue_element(chat: Chat, status: str) -> ET.Element:
    return ET.Element(f"{{{NS}}}queue", chat=str(chat.id), status=status)
