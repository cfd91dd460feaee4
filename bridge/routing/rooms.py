"""The chat rooms as the bridge sees them: creating, joining, members, announcements."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slixmpp import JID
from slixmpp.exceptions import IqError, IqTimeout, PresenceError

from bridge.accounts import bots
from bridge.api.inputs import NOT_TEXT
from bridge.chats.repository import Chat
from bridge.chats.states import ANNOUNCEMENT, Status
from bridge.messages.repository import LoggedMessage

NS = "urn:customer-chat:0"
SID = "urn:xmpp:sid:0"  # XEP-0359: the room's stanza-id and the sender's origin-id
XMPP_FAILURES = (IqError, IqTimeout, PresenceError, TimeoutError)
BRIDGE_NICK = "Support"
ROOM_CONFIG = {
    "muc#roomconfig_persistentroom": True,
    "muc#roomconfig_membersonly": True,
    "muc#roomconfig_whois": "anyone",
    "muc#roomconfig_publicroom": False,
    "mam": True,  # ejabberd's field name for archiving a room
}


def server_time(stanza_id: str) -> datetime | None:
    """When ejabberd archived a message, read from its stanza-id (microseconds since 1970).

    Live and back-filled messages then carry the same clock, so the log's order is
    the room's order even across a bridge restart; other servers fall back to the
    delay stamp or the time of arrival.
    """
    if not stanza_id.isdigit() or len(stanza_id) > 18:
        return None
    moment = datetime.fromtimestamp(int(stanza_id) / 1_000_000, UTC)
    return moment if abs(moment - datetime.now(UTC)) < timedelta(days=3650) else None


def xml_text(text: str) -> str:
    """The text without characters XML cannot carry (one would close the stream)."""
    return NOT_TEXT.sub("\ufffd", text)


@dataclass
class Room:
    """A chat's room: who sits in it and whether the log has caught up with it."""

    chat_id: uuid.UUID
    jid: JID
    customer_jid: str
    occupants: dict[str, str] = field(default_factory=dict)
    in_sync: bool = False


class Rooms:
    """Creates and joins rooms as the bridge occupant and speaks in them."""

    def __init__(self, xmpp: Any, domain: str) -> None:
        self.xmpp = xmpp
        self.domain = domain
        self.me = JID(f"bridge@{xmpp.boundjid.bare}/bridge")
        self.by_jid: dict[str, Room] = {}

    def get(self, room_jid: str) -> Room | None:
        """The joined room with this address."""
        return self.by_jid.get(room_jid)

    async def join(self, chat: Chat) -> Room:
        """Join the chat's room, creating and configuring it first if it does not exist."""
        muc = self.xmpp.plugin["xep_0045"]
        room_jid = JID(chat.room_jid)
        room = Room(chat.id, room_jid, f"{chat.customer_id}@{self.domain}")
        room.occupants[BRIDGE_NICK] = self.me.bare
        self.by_jid[room_jid.bare] = room  # before joining, so occupants' presences are noted
        presence, *_ = await muc.join_muc_wait(
            room_jid, BRIDGE_NICK, maxstanzas=0, presence_options={"pfrom": self.me}, timeout=15
        )
        if 201 in presence["muc"]["status_codes"]:
            form = await muc.get_room_config(room_jid, ifrom=self.me)
            form["type"] = "submit"
            form.set_values(ROOM_CONFIG)
            await muc.set_room_config(room_jid, form, ifrom=self.me)
        await self.add_member(room, room.customer_jid)
        return room

    async def add_member(self, room: Room, jid: str) -> None:
        """Let a user into the members-only room."""
        await self.xmpp.plugin["xep_0045"].set_affiliation(
            room.jid, "member", jid=JID(jid), ifrom=self.me
        )

    def announce(self, room: Room, status: Status, origin_id: str) -> None:
        """Tell the room a status change: the customer's text plus the `<status/>` element."""
        message = self.xmpp.make_message(
            mto=room.jid, mbody=ANNOUNCEMENT[status], mtype="groupchat", mfrom=self.me
        )
        message.xml.append(ET.Element(f"{{{NS}}}status", value=str(status)))
        message["origin_id"]["id"] = origin_id
        message.send()

    def notice(self, room: Room, text: str, origin_id: str) -> None:
        """Tell the room something that is not a status change."""
        message = self.xmpp.make_message(
            mto=room.jid, mbody=xml_text(text), mtype="groupchat", mfrom=self.me
        )
        message["origin_id"]["id"] = origin_id
        message.send()

    def say_for(self, room: Room, supporter: Supporter, text: str, origin_id: str) -> None:
        """Post a supporter's reply that they chose elsewhere (a suggestion picked by number).

        The `<sent-for/>` element names the supporter: pages show them as the sender
        and the log files the message under them.
        """
        message = self.xmpp.make_message(
            mto=room.jid, mbody=xml_text(text), mtype="groupchat", mfrom=self.me
        )
        message.xml.append(
            ET.Element(f"{{{NS}}}sent-for", jid=supporter.jid, name=xml_text(supporter.name))
        )
        message["origin_id"]["id"] = origin_id
        message.send()

    def note_occupant(self, presence: Any) -> None:
        """Remember which real address stands behind a nick (rooms are non-anonymous)."""
        room = self.by_jid.get(presence["from"].bare)
        real = presence["muc"]["jid"]
        if room is not None and real.bare:
            room.occupants[presence["from"].resource] = real.bare

    def to_log(
        self,
        room: Room,
        message: ET.Element,
        created_at: datetime | None = None,
        archive_id: str | None = None,
    ) -> LoggedMessage | None:
        """Describe a room message (live, or from the archive with its id) for the log.

        It reads the bare XML: the bridge takes every room message, and slixmpp's
        stanza interfaces cost more than the rest of logging it.
        """
        namespace = message.tag[: message.tag.index("}") + 1]
        body = message.findtext(f"{namespace}body")
        live_id = next(
            (
                element.get("id")
                for element in message.findall(f"{{{SID}}}stanza-id")
                if element.get("by") == room.jid.bare
            ),
            None,
        )
        if not body or not (archive_id or live_id):
            return None
        nick = message.get("from", "").partition("/")[2]
        sender = room.occupants.get(nick) or _real_jid(message) or f"{room.jid.bare}/{nick}"
        kind = self._kind(room, sender)
        sent_for = message.find(f"{{{NS}}}sent-for")
        if kind == "system" and sent_for is not None:  # only the bridge speaks for others
            kind = "supporter"
            sender, nick = sent_for.get("jid", sender), sent_for.get("name", nick)
        origin = message.find(f"{{{SID}}}origin-id")
        stanza_id = str(archive_id or live_id)
        return LoggedMessage(
            chat_id=room.chat_id,
            stanza_id=stanza_id,
            origin_id=(origin.get("id") if origin is not None else None) or None,
            sender=sender,
            sender_name=nick,
            kind=kind,
            body=body,
            created_at=server_time(stanza_id) or created_at or datetime.now(UTC),
        )

    def _kind(self, room: Room, sender: str) -> str:
        if sender == room.customer_jid:
            return "customer"
        if sender in (self.me.bare, self.xmpp.boundjid.bare):
            return "system"
        sender_jid = JID(sender)
        if sender_jid.domain == self.domain and bots.is_bot(sender_jid.user):
            return "assistant"
        return "supporter"


@dataclass(frozen=True)
class Supporter:
    """Who a reply posted by the bridge is from."""

    jid: str
    name: str


def _real_jid(message: ET.Element) -> str | None:
    item = message.find(
        "{http://jabber.org/protocol/muc#user}x/{http://jabber.org/protocol/muc#user}item"
    )
    return JID(item.get("jid")).bare if item is not None and item.get("jid") else None
