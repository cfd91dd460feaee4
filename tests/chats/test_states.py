"""The chat life cycle allows exactly the documented moves."""

from __future__ import annotations

import pytest

from bridge.chats.states import ANNOUNCEMENT, InvalidTransition, Status, check

ALLOWED = {
    (Status.BOT, Status.WAITING),
    (Status.BOT, Status.ENDED),
    (Status.WAITING, Status.ACTIVE),
    (Status.WAITING, Status.ENDED),
    (Status.ACTIVE, Status.ACTIVE),
    (Status.ACTIVE, Status.BOT),  # handed back to the assistant
    (Status.ACTIVE, Status.ENDED),
}


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_only_documented_transitions_are_allowed(current: Status, target: Status) -> None:
    if (current, target) in ALLOWED:
        check(current, target)
    else:
        with pytest.raises(InvalidTransition, match=f"a chat that is {current}"):
            check(current, target)


def test_every_status_has_the_contract_text() -> None:
    assert ANNOUNCEMENT == {
        Status.BOT: "Chatting with our assistant",
        Status.WAITING: "Waiting for supporter",
        Status.ACTIVE: "Chat active",
        Status.ENDED: "Chat was ended by the supporter",
    }
