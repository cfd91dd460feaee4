"""`assistant@`: answers the customer in the rooms of chats that are with the assistant.

For each customer message in a chat whose status is `bot` it searches the
knowledge base and answers with its sources, or hands the chat to the queue.
The decision is taken in the transaction that locks the chat's row and reads
its status, so it never talks over a supporter: once a person has the chat it
is silent, until a supporter hands the chat back. Nothing is lost: when it
(re)enters a room, a customer message the log shows unanswered is answered then.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import slixmpp
from slixmpp import JID
from slixmpp.exceptions import IqError, IqTimeout, PresenceError
from slixmpp.xmlstream.handler import CoroutineCallback
from slixmpp.xmlstream.matcher import MatchXPath
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from bots.assistant import handover, ratings, service
from bots.assistant.handover import Said
from bots.assistant.llm import Llm
from bots.assistant.service import Reply
from bots.embedding import Embedder
from bridge.accounts import bots
from bridge.chats import repository as chats
from bridge.chats import service as chats_service
from bridge.chats.repository import Chat
from bridge.chats.states import Status
from bridge.db import Database
from bridge.messages import repository as messages
from bridge.messages.crypto import MessageCipher
from bridge.routing.rooms import NS, xml_text
from bridge.settings import Settings

log = logging.getLogger(__name__)

NICK = "Assistant"
REMEMBERED = 20  # messages kept per room for the hand-over summary
JOIN_FAILURES = (IqError, IqTimeout, PresenceError, TimeoutError)


@dataclass
class RoomState:
    """A room the assistant sits in: its chat, what was said, and one answer at a time."""

    chat_id: uuid.UUID
    customer_id: uuid.UUID
    said: deque[Said] = field(default_factory=lambda: deque(maxlen=REMEMBERED))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    heard_live: bool = False
    # Pages resend a message after a reconnect with the same origin-id: answer it once.
    answered: deque[str] = field(default_factory=lambda: deque(maxlen=REMEMBERED))

    def first_time(self, origin_id: str | None) -> bool:
        """True unless the customer's message with this origin-id was taken up already."""
        if not origin_id:
            return True
        if origin_id in self.answered:
            return False
        self.answered.append(origin_id)
        return True


class AssistantBot(slixmpp.ClientXMPP):
    """The assistant's XMPP client."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        cipher: MessageCipher,
        embedder: Callable[[], Embedder],
        writer: Llm | None = None,
    ) -> None:
        super().__init__(f"{bots.ASSISTANT}@{settings.xmpp_domain}", settings.bot_password)
        for plugin in ("xep_0030", "xep_0045", "xep_0199", "xep_0203", "xep_0359"):
            self.register_plugin(plugin)
        self.settings = settings
        self.db = db
        self.cipher = cipher
        self.embedder = embedder
        self.writer = writer
        self.rooms: dict[str, RoomState] = {}
        self.add_event_handler("session_start", self._on_start)
        self.add_event_handler("groupchat_message", self._on_room_message)
        self.register_handler(
            CoroutineCallback(
                "room invitation",
                MatchXPath("{jabber:client}message/{jabber:x:conference}x"),
                self._on_invitation,
            )
        )

    async def _on_start(self, _: Any) -> None:
        self.send_presence()
        self.rooms.clear()
        await asyncio.to_thread(self.embedder)  # load the model now, not on the first question
        try:
            with_assistant = await self.db.run(chats.list_chats, statuses=(Status.BOT,))
        except SQLAlchemyError as error:  # the invitations still bring it into new rooms
            log.warning("cannot list the assistant's chats: %s", type(error).__name__)
            return
        for chat in with_assistant:
            await self.enter(chat)

    async def enter(self, chat: Chat) -> None:
        """Join a chat's room (the bridge made the assistant a member)."""
        if chat.room_jid in self.rooms:
            await self._catch_up(chat.room_jid)  # handed back: an open question is answered
            return
        # Known before the join completes: the room relays messages as soon as we are in.
        self.rooms[chat.room_jid] = RoomState(chat.id, chat.customer_id)
        try:
            await self.plugin["xep_0045"].join_muc_wait(
                JID(chat.room_jid), NICK, maxstanzas=0, timeout=10
            )
        except JOIN_FAILURES as error:
            del self.rooms[chat.room_jid]
            log.warning("cannot enter %s: %s", chat.room_jid, type(error).__name__)
            return
        log.info("assisting in %s", chat.room_jid)
        await self._catch_up(chat.room_jid)

    async def _catch_up(self, room: str) -> None:
        """Read the chat's log; answer the customer's last message if nobody has yet.

        The customer may have written while the assistant was away (restarted, or
        the chat just handed back). Messages heard live since the join win.
        """
        state = self.rooms[room]
        async with state.lock:
            if state.heard_live:
                return
            logged = await self.db.run(messages.list_for_chat, state.chat_id, self.cipher)
            rows = [(row, said) for row in logged if (said := handover.said_of(row))]
            state.said.clear()
            state.said.extend(said for _, said in rows)
            if not rows or rows[-1][1].role != "customer":
                return
            row, question = rows[-1]
            if state.first_time(str(row.get("origin_id") or "")):
                await self._respond(room, state, question.text)

    async def _on_invitation(self, message: Any) -> None:
        invitation = message.xml.find("{jabber:x:conference}x")
        chat_id = _chat_id(JID(invitation.get("jid", "")))
        if chat_id is None or message["from"].bare != self.settings.component_jid:
            return
        chat = await self.db.run(chats.get, chat_id)
        if chat is not None and chat.status is Status.BOT:
            await self.enter(chat)

    async def _on_room_message(self, message: Any) -> None:
        state = self.rooms.get(message["from"].bare)
        nick = message["from"].resource
        if state is None or not message["body"] or nick == NICK or _replayed(message):
            return
        real = JID(self.plugin["xep_0045"].get_jid_property(JID(message["from"].bare), nick, "jid"))
        if real.user != str(state.customer_id):
            if (
                real.user
                and not bots.is_bot(real.user)
                and real.domain != self.settings.component_jid
            ):
                state.said.append(Said("supporter", message["body"]))
            return
        async with state.lock:
            state.heard_live = True
            if state.first_time(message["origin_id"]["id"]):
                await self._respond(message["from"].bare, state, message["body"])

    async def _respond(self, room: str, state: RoomState, question: str) -> None:
        """Answer or hand over, then say so in the room (only while the chat is the bot's).

        An LLM's answer comes in parts, each sent as it passes the output check; the
        last part carries the `<answer/>` payload (sources, the id to rate it by).
        """
        loop = asyncio.get_running_loop()
        parts: list[str] = []

        def on_part(text: str) -> None:  # in the database thread
            if parts:
                loop.call_soon_threadsafe(self._say_part, room, parts[-1])
            parts.append(text)

        embedder = await asyncio.to_thread(self.embedder)
        try:
            reply = await self.db.run(self._decide, state, question, embedder, on_part)
        except SQLAlchemyError as error:
            log.warning("cannot answer in %s: %s", room, type(error).__name__)
            return
        state.said.append(Said("customer", question))
        if reply is None:
            return
        state.said.append(Said("assistant", reply.answer))
        self._say(room, reply, parts[-1] if parts else reply.answer)

    def _decide(
        self,
        conn: Connection,
        state: RoomState,
        question: str,
        embedder: Embedder,
        on_part: Callable[[str], None],
    ) -> Reply | None:
        chat = chats.get(conn, state.chat_id, for_update=True)
        if chat is None or chat.status is not Status.BOT:
            return None  # a person has the chat: the assistant is silent
        reply = service.respond(
            conn,
            embedder=embedder,
            cipher=self.cipher,
            question=question,
            chat_id=chat.id,
            down_ratings=ratings.down_rated_in_chat(conn, chat.id),
            llm=self.writer,
            on_part=on_part,
        )
        if reply.handed_off:
            conversation = [*state.said, Said("customer", question)]
            chats_service.hand_over(
                conn,
                self.cipher,
                chat_id=chat.id,
                reason=reply.reason.value,
                summary=handover.summary(conversation, reply.reason.value),
            )
        return reply

    def _say_part(self, room: str, text: str) -> None:
        """A part of a longer answer, sent as soon as it passed the output check."""
        message = self.make_message(mto=JID(room), mbody=xml_text(text), mtype="groupchat")
        message["origin_id"]["id"] = f"part-{uuid.uuid4()}"
        message.send()

    def _say(self, room: str, reply: Reply, last_part: str) -> None:
        message = self.make_message(
            mto=JID(room), mbody=xml_text(_plain_body(reply, last_part)), mtype="groupchat"
        )
        message.xml.append(_payload(reply, last_part, self.settings.site_url))
        message["origin_id"]["id"] = f"answer-{reply.decision_id}"
        message.send()


def _plain_body(reply: Reply, text: str) -> str:
    """The (last part of the) answer as any client shows it, then its sources as titles."""
    if not reply.sources:
        return text
    titles = "; ".join(source.title for source in reply.sources)
    return f"{text}\n\nSource: {titles}"


def _payload(reply: Reply, text: str, site_url: str) -> ET.Element:
    """`<answer/>`: the id customers rate it by, the text alone, and links to the sources."""
    element = ET.Element(
        f"{{{NS}}}answer",
        id=str(reply.decision_id),
        handed_off=str(reply.handed_off).lower(),
        reason=reply.reason.value,
    )
    ET.SubElement(element, f"{{{NS}}}text").text = xml_text(text)
    for source in reply.sources:
        ET.SubElement(
            element,
            f"{{{NS}}}source",
            id=str(source.article_id),
            title=xml_text(source.title),
            url=f"{site_url}{source.url}",
        )
    return element


def _chat_id(room: JID) -> uuid.UUID | None:
    try:
        return uuid.UUID(room.user.removeprefix("chat-"))
    except ValueError:
        return None


def _replayed(message: Any) -> bool:
    return message.xml.find("{urn:xmpp:delay}delay") is not None
