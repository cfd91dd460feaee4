"""The bots process killed with SIGKILL under load: chats go on, suggestions resume, none lost."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from typing import Any

from slixmpp import JID

from tests.conftest import Person, eventually, report
from tests.faults.conftest import Connect, OpenPairs, StartChat, offered_to_supporters
from tests.faults.load import Load, Log, Pair
from tests.stack import Stack
from tests.suggestions.conftest import BATTERY
from tests.xmpp import NS

QUESTION = "Mein Akku lädt nicht mehr, was kann ich tun?"
BOT_NICK = "Suggestions"


async def test_chats_go_on_and_suggestions_resume_when_the_bots_are_killed(
    suggesting: Stack,
    open_pairs: OpenPairs,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    stack = suggesting
    pairs = await open_pairs(2)
    await eventually(lambda: all(_bot_in(pair) for pair in pairs) or None, timeout=60)
    waiting = await customer_in_chat("Wanda", "Kette springt")
    during, log = Load(pairs, "bots"), Log(stack)

    during.start()
    await asyncio.sleep(3)
    stack.stop("bots", signal.SIGKILL)
    await asyncio.sleep(2)
    await during.stop()
    before = [len(_offers(pair)) for pair in pairs]
    for pair in pairs:  # asked while no bot listens: the restarted bot must still answer it
        pair.customer.client.say(pair.room, QUESTION)
    await asyncio.sleep(0.5)  # the supervisor's check interval
    stack.start("bots")
    caught_up = await eventually(lambda: _offered_since(pairs, before), timeout=90)

    after = Load(pairs, "bots-after")
    offers_before_after = [len(_offers(pair)) for pair in pairs]
    after.start()
    await asyncio.sleep(3)
    await after.stop()
    await eventually(lambda: _offered_since(pairs, offers_before_after), timeout=60)
    for load in (during, after):
        await load.delivered()
        await log.caught_up(load, 15)
    counts = log.counts(during, after)
    offered = await offered_to_supporters(stack, waiting, make_supporter, connect)

    first_lines = {offer["body"].splitlines()[0] for offer in caught_up}
    line = counts.line(
        "bots SIGKILLed and restarted",
        f"the question asked while they were down got its suggestions after the restart in "
        f"{len(caught_up)} of {len(pairs)} chats (first: {sorted(first_lines)!r}); new "
        f"suggestions afterwards in every chat; waiting chat still offered: {offered!r}",
    )
    print(line)
    report(line)
    assert first_lines == {f"1) {BATTERY}"}
    assert counts.reflected == counts.received == counts.logged == counts.sent
    assert (counts.lost, counts.duplicated, counts.out_of_order) == (0, 0, 0)
    stack.wait_ready()


def _bot_in(pair: Pair) -> bool:
    """The suggest bot sits in the chat's room (as the supporter's client sees it)."""
    roster = pair.supporter.client.plugin["xep_0045"].get_roster(JID(pair.room)) or []
    return BOT_NICK in roster


def _offers(pair: Pair) -> list[Any]:
    """The suggestion offers the chat's supporter got so far."""
    return [
        message
        for message in pair.supporter.client.direct
        if message["from"].bare == pair.room
        and message.xml.find(f"{{{NS}}}suggestions") is not None
    ]


def _offered_since(pairs: list[Pair], before: list[int]) -> list[Any] | None:
    """The first new offer of every chat, once each chat has one."""
    new = [_offers(pair)[count:] for pair, count in zip(pairs, before, strict=True)]
    return [offers[0] for offers in new] if all(new) else None
