"""`suggest@`: sits in the rooms of taken chats and offers their supporter three replies.

When the customer writes, and when a supporter takes a chat whose customer's
last message is still unanswered, the supporter holding the chat gets a private room
message: a plain body any desktop client shows and a `<suggestions/>` payload
with ids for the web console. The supporter answers it: `2` sends suggestion 2
(`2 14 March` fills an open placeholder first), `2+` / `2-` rates it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slixmpp import JID
from sqlalchemy import Connection

from bots.room_bot import RoomBot
from bots.suggestions import offers
from bots.suggestions.conversations import Role, Turn, turn_of
from bots.suggestions.live_model import LiveModel
from bridge.accounts import bots
from bridge.accounts import repository as accounts
from bridge.accounts.repository import User
from bridge.chats import repository as chats
from bridge.chats.repository import Chat
from bridge.chats.service import ReplyRefused
from bridge.chats.states import Status
from bridge.db import Database
from bridge.messages import repository as messages
from bridge.messages.crypto import MessageCipher
from bridge.metrics.catalog import SUGGESTION
from bridge.metrics.recorder import RECORDER
from bridge.routing.rooms import NS
from bridge.settings import Settings

log = logging.getLogger(__name__)

NICK = "Suggestions"
CONTEXT_TURNS = 6
ANSWER = re.compile(r"^\s*([1-3])\s*(?:([+-])|\s(.+))?\s*$", re.S)
HELP = "Reply 1, 2 or 3 to send that suggestion, 2+ or 2- to rate it."
MODEL_WAIT_SECONDS = 60.0


@dataclass
class RoomState:
    """What the bot keeps of a room: its chat, customer and latest turns (the model's context)."""

    chat_id: uuid.UUID
    customer_id: uuid.UUID
    turns: deque[Turn] = field(default_factory=lambda: deque(maxlen=CONTEXT_TURNS))
    # The latest offer for a supporter not in the room yet: sent when they come in.
    waiting: tuple[str, offers.Offer] | None = None
    # Customer questions seen, and one suggestion run at a time (`for_latest`).
    asked: int = 0
    suggesting: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def for_latest(self, run: Callable[[], Awaitable[None]]) -> bool:
        """Run for the room's latest question, one run at a time; False if a newer one came.

        A question followed by another before its run starts is skipped, as the
        supporter answers the latest one: under load the work stays bounded by
        the rooms, not by the messages.
        """
        self.asked += 1
        mine = self.asked
        async with self.suggesting:
            if self.asked != mine:
                return False
            await run()
            return True


class SuggestBot(RoomBot[RoomState]):
    """The suggest bot's XMPP client."""

    nick = NICK
    serves = Status.ACTIVE

    def __init__(
        self, settings: Settings, db: Database, cipher: MessageCipher, model: LiveModel
    ) -> None:
        super().__init__(bots.SUGGEST, settings, db, cipher)
        self.model = model
        self.add_event_handler("message", self._on_private_message)
        self.add_event_handler("groupchat_presence", self._on_room_presence)

    def new_state(self, chat: Chat) -> RoomState:
        """A room's state starts with its chat and customer."""
        return RoomState(chat.id, chat.customer_id)

    async def catch_up(self, room: str, unanswered: str | None = None) -> None:
        """Learn what was said before the bot came in; offer replies to an unanswered question.

        The customer usually asks while the chat waits: the supporter who takes it gets
        the three suggestions right away. Messages heard live since the join win,
        unless it is the question (`unanswered`) the bot could not act on.
        """
        state = self.rooms[room]
        logged = await self.db.run(messages.list_for_chat, state.chat_id, self.cipher)
        said = [
            (str(row["stanza_id"]), turn)
            for row in logged
            if row["readable"]
            and (turn := turn_of(str(row["kind"]), str(row["sender"]), str(row["body"])))
        ]
        if unanswered is None:
            if state.turns:
                return
            state.turns.extend(turn for _, turn in said)
        elif not said or said[-1][0] != unanswered:
            return  # answered since, or a newer question was taken up live
        if said and said[-1][1].role == "customer":
            context = tuple(turn for _, turn in said[-CONTEXT_TURNS:-1])
            await self._suggest(room, state, said[-1][1].text, context)

    async def on_room_message(self, message: Any) -> None:
        """Remember the turn; a customer's question gets the supporter three replies."""
        state = self.heard(message)
        if state is None:
            return
        role = _role(state, self.real_jid(message), message, self.settings.component_jid)
        if role is None:
            return
        context = tuple(state.turns)
        state.turns.append(Turn(role, message["body"]))
        if role == "customer":
            await self._suggest(message["from"].bare, state, message["body"], context)

    async def _suggest(
        self, room: str, state: RoomState, question: str, context: tuple[Turn, ...]
    ) -> None:
        """Offer replies to the room's latest question (`RoomState.for_latest`)."""
        started = time.perf_counter()
        await state.for_latest(lambda: self._offer_replies(room, state, question, context, started))

    async def _offer_replies(
        self,
        room: str,
        state: RoomState,
        question: str,
        context: tuple[Turn, ...],
        started: float,
    ) -> None:
        model = await self.model.ready(MODEL_WAIT_SECONDS)  # just started: the model loads
        if model is None:
            return  # no model trained yet
        suggestions = await asyncio.to_thread(model.suggest, question, context, self.model.boosts)
        said = tuple(turn.text for turn in state.turns if turn.role == "customer")

        def remember(conn: Connection) -> tuple[offers.Offer, User] | None:
            chat = chats.get(conn, state.chat_id)
            if chat is None or chat.status is not Status.ACTIVE or chat.assignee_id is None:
                return None
            supporter = accounts.get(conn, chat.assignee_id)
            if supporter is None:
                return None
            known = offers.ChatKnowledge(chat.customer_name, said)
            offer = offers.offer(
                conn, suggestions, chat_id=chat.id, supporter_id=supporter.id, known=known
            )
            return offer, supporter

        remembered = await self.db.run(remember)
        if remembered is not None:
            offer, supporter = remembered
            self._offer_to(room, supporter, offer)
            RECORDER.observe(SUGGESTION, time.perf_counter() - started)

    def _offer_to(self, room: str, supporter: User, offer: offers.Offer) -> None:
        nick = self._nick_of(room, supporter.localpart)
        if nick is None:  # not in the room yet (a desktop client joins on the invitation)
            self.rooms[room].waiting = (supporter.localpart, offer)
            return
        self.rooms[room].waiting = None
        self._send_offer(room, nick, offer)

    def _send_offer(self, room: str, nick: str, offer: offers.Offer) -> None:
        message = self.make_message(mto=JID(f"{room}/{nick}"), mbody=offer.body(), mtype="chat")
        message.xml.append(_payload(offer))
        message.send()

    def _on_room_presence(self, presence: Any) -> None:
        """A supporter came into the room: give them the offer that waited for them."""
        room, nick = presence["from"].bare, presence["from"].resource
        state = self.rooms.get(room)
        if state is None or state.waiting is None or presence["type"] == "unavailable":
            return
        localpart, offer = state.waiting
        # The event comes before the plugin's roster learns the newcomer: read the stanza.
        if JID(presence["muc"]["jid"]).user == localpart:
            state.waiting = None
            self._send_offer(room, nick, offer)

    def _nick_of(self, room: str, localpart: str) -> str | None:
        muc = self.plugin["xep_0045"]
        for nick in muc.get_roster(JID(room)) or ():
            if JID(muc.get_jid_property(JID(room), nick, "jid")).user == localpart:
                return str(nick)
        return None

    async def _on_private_message(self, message: Any) -> None:
        state = self.rooms.get(message["from"].bare)
        if state is None or message["type"] != "chat" or not message["body"]:
            return
        answer = await self._answer(state, self.real_jid(message), message["body"])
        self.send_message(mto=message["from"], mbody=answer, mtype="chat")

    async def _answer(self, state: RoomState, real: JID, text: str) -> str:
        parsed = ANSWER.match(text)
        if parsed is None:
            return HELP
        rank, rating, values = int(parsed.group(1)), parsed.group(2), parsed.group(3)

        def act(conn: Connection) -> str:
            supporter = accounts.get_by_localpart(conn, real.user or "")
            if supporter is None or not supporter.is_staff:
                return HELP
            offer = offers.latest(conn, self.cipher, chat_id=state.chat_id, supporter=supporter)
            item = next((i for i in offer.items if i.rank == rank), None) if offer else None
            if item is None:
                return "There is no suggestion to pick yet."
            if rating:
                thumb = "up" if rating == "+" else "down"
                offers.rate(conn, suggestion_id=item.id, supporter=supporter, rating=thumb)
                return f"Thanks: suggestion {rank} rated {thumb}."
            given = [value.strip() for value in (values or "").split(";") if value.strip()]
            offers.send(conn, self.cipher, suggestion_id=item.id, supporter=supporter, values=given)
            return f"Sent suggestion {rank}."

        try:
            return await self.db.run(act)
        except offers.ValuesMissing as missing:
            slots = ", ".join("{{" + name + "}}" for name in missing.missing)
            example = "; ".join("…" for _ in missing.missing)
            return f"Suggestion {rank} needs {slots}: reply {rank} {example}"
        except ReplyRefused as refused:
            return str(refused).capitalize() + "."


def _role(state: RoomState, real: JID, message: Any, bridge_jid: str) -> Role | None:
    """Who speaks: the customer, a supporter (also through the bridge), or nobody to learn from."""
    if real.user == str(state.customer_id):
        return "customer"
    if real.domain == bridge_jid:  # status notices, and replies it posts for a supporter
        return "supporter" if message.xml.find(f"{{{NS}}}sent-for") is not None else None
    return None if bots.is_bot(real.user) else "supporter"


def _payload(offer: offers.Offer) -> ET.Element:
    element = ET.Element(
        f"{{{NS}}}suggestions", chat=str(offer.chat_id), fallback=str(offer.fallback).lower()
    )
    for item in offer.items:
        child = ET.SubElement(element, f"{{{NS}}}suggestion", id=str(item.id), rank=str(item.rank))
        if item.missing:
            child.set("missing", ",".join(item.missing))
        if item.fallback:
            child.set("fallback", "true")
        child.text = item.text
    return element
