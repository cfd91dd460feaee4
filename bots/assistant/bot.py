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
import time
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slixmpp import JID
from sqlalchemy import Connection

from bots.assistant import handover, ratings, service
from bots.assistant.handover import Said
from bots.assistant.llm import Llm
from bots.assistant.service import Reply
from bots.embedding import Embedder
from bots.room_bot import RoomBot
from bridge.accounts import bots
from bridge.chats import repository as chats
from bridge.chats import service as chats_service
from bridge.chats.repository import Chat
from bridge.chats.states import Status
from bridge.db import Database
from bridge.messages import repository as messages
from bridge.messages.crypto import MessageCipher
from bridge.metrics.catalog import ASSISTANT
from bridge.metrics.recorder import RECORDER
from bridge.routing.rooms import NS, xml_text
from bridge.settings import Settings

log = logging.getLogger(__name__)

NICK = "Assistant"
REMEMBERED = 20  # messages kept per room for the hand-over summary


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


class AssistantBot(RoomBot[RoomState]):
    """The assistant's XMPP client."""

    nick = NICK
    serves = Status.BOT

    def __init__(
        self,
        settings: Settings,
        db: Database,
        cipher: MessageCipher,
        embedder: Callable[[], Embedder],
        writer: Llm | None = None,
    ) -> None:
        super().__init__(bots.ASSISTANT, settings, db, cipher)
        self.load_embedder = embedder
        self.embedder: Embedder | None = None  # loaded once connected (`prepare`)
        self.writer = writer

    def new_state(self, chat: Chat) -> RoomState:
        """A room's state starts with its chat and customer."""
        return RoomState(chat.id, chat.customer_id)

    async def prepare(self) -> None:
        """Load the embedding model now, not at the first question."""
        self.embedder = await asyncio.to_thread(self.load_embedder)

    async def catch_up(self, room: str, unanswered: str | None = None) -> None:
        """Read the chat's log; answer the customer's last message if nobody has yet.

        The customer may have written while the assistant was away (restarted, the
        chat just handed back, the database down). Messages heard live since the
        join win, unless it is the one (`unanswered`) the assistant could not act on.
        """
        state = self.rooms[room]
        async with state.lock:
            if state.heard_live and unanswered is None:
                return
            logged = await self.db.run(messages.list_for_chat, state.chat_id, self.cipher)
            rows = [(row, said) for row in logged if (said := handover.said_of(row))]
            state.said.clear()
            state.said.extend(said for _, said in rows)
            if not rows or rows[-1][1].role != "customer":
                return
            row, question = rows[-1]
            if unanswered is None:
                take = state.first_time(str(row.get("origin_id") or ""))
            else:
                take = row["stanza_id"] == unanswered
            if take:
                await self._respond(room, state, question.text)

    async def on_room_message(self, message: Any) -> None:
        """A customer's message is answered; anyone else's is not the assistant's business."""
        state = self.heard(message)
        if state is None or self.real_jid(message).user != str(state.customer_id):
            return  # supporters speak when the chat is theirs, and then the assistant is silent
        async with state.lock:
            state.heard_live = True
            if state.first_time(message["origin_id"]["id"]):
                await self._respond(message["from"].bare, state, message["body"])

    async def _respond(self, room: str, state: RoomState, question: str) -> None:
        """Answer or hand over, then say so in the room (only while the chat is the bot's).

        An LLM's answer comes in parts, each sent as it passes the output check; the
        last part carries the `<answer/>` payload (sources, the id to rate it by).
        """
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        parts: list[str] = []

        def on_part(text: str) -> None:  # in the database thread
            if parts:
                loop.call_soon_threadsafe(self._say_part, room, parts[-1])
            parts.append(text)

        # Loaded by `prepare` before any room is entered; the fallback only guards the order.
        embedder = self.embedder or await asyncio.to_thread(self.load_embedder)
        reply = await self.db.run(self._decide, state, question, embedder, on_part)
        state.said.append(Said("customer", question))
        if reply is None:
            return
        state.said.append(Said("assistant", reply.answer))
        self._say(room, reply, parts[-1] if parts else reply.answer)
        RECORDER.observe(ASSISTANT, time.perf_counter() - started)

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
