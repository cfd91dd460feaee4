"""A chat's life as an explicit state machine: bot -> waiting -> active -> ended."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a chat is in its life."""

    BOT = "bot"
    WAITING = "waiting"
    ACTIVE = "active"
    ENDED = "ended"


# What the customer reads when the chat enters a status (the XMPP contract's texts).
ANNOUNCEMENT = {
    Status.BOT: "Chatting with our assistant",
    Status.WAITING: "Waiting for supporter",
    Status.ACTIVE: "Chat active",
    Status.ENDED: "Chat was ended by the supporter",
}

# ACTIVE -> ACTIVE is a take-over by another supporter; ACTIVE -> BOT a hand-back.
_ALLOWED = {
    Status.BOT: {Status.WAITING, Status.ENDED},
    Status.WAITING: {Status.ACTIVE, Status.ENDED},
    Status.ACTIVE: {Status.ACTIVE, Status.BOT, Status.ENDED},
    Status.ENDED: set(),
}


class InvalidTransition(ValueError):
    """The chat cannot move to the asked status from where it is."""


def check(current: Status, target: Status) -> None:
    """Raise `InvalidTransition` unless a chat may move from `current` to `target`."""
    if target not in _ALLOWED[current]:
        raise InvalidTransition(f"a chat that is {current} cannot become {target}")
