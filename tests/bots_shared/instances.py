"""What the shared-bots tests look at: the live instances, and which one sits in a room."""

from __future__ import annotations

from slixmpp import JID

from bots.instances import repository
from bots.instances.membership import EXPIRY_SECONDS
from tests.stack import Stack
from tests.xmpp import Client

SECOND = "bots-2"  # the name the stack starts the second bots process under


def live(stack: Stack) -> tuple[str, ...]:
    """The bots instances alive now, by id."""
    return stack.db.run_sync(repository.live, expiry=EXPIRY_SECONDS)


def instance_in(client: Client, room: str, nick: str) -> str | None:
    """The instance (XMPP resource) of the bot with that nick in the room, as a client sees it."""
    muc = client.plugin["xep_0045"]
    if nick not in (muc.get_roster(JID(room)) or []):
        return None
    return str(JID(muc.get_jid_property(JID(room), nick, "jid")).resource)


def bot_sessions(stack: Stack, rooms: list[str], localpart: str) -> dict[str, list[str]]:
    """Each room's sessions of the bot account as ejabberd lists its occupants: their resources."""
    sessions = {}
    for room in rooms:
        name, _, service = room.partition("@")
        listed = stack.ejabberd.ctl("get_room_occupants", name, service).split()
        sessions[room] = [str(JID(w).resource) for w in listed if w.startswith(f"{localpart}@")]
    return sessions


def process_of(stack: Stack, instance: str) -> str:
    """The name the stack started the instance's process under (its id holds the pid)."""
    pid = int(instance.split("-")[1])
    return next(name for name in ("bots", SECOND) if stack.processes[name].pid == pid)
