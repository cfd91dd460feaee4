"""Two bots processes share the rooms: a newcomer takes its share, a killed one's are taken over.

And a PostgreSQL restart under both leaves each room with one bot again.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections import Counter
from collections.abc import Callable

import pytest

from bots.instances.membership import EXPIRY_SECONDS, owner
from bridge.accounts import bots
from bridge.postgres import embedded_url, stop_embedded
from tests.bots_shared.instances import bot_sessions, instance_in, live, process_of
from tests.conftest import eventually, report
from tests.faults.conftest import OpenPairs
from tests.faults.load import Load, Log, Pair
from tests.faults.test_bots_killed import BOT_NICK, QUESTION, _offers
from tests.stack import Stack
from tests.suggestions.conftest import BATTERY

CHATS = 6
TAKEOVER_SECONDS = 15.0  # the heartbeat expiry, a beat, a handover and the joins


async def test_each_room_has_one_bot_and_the_survivor_takes_over_a_killed_ones_rooms(
    two_instances: Stack, open_pairs: OpenPairs
) -> None:
    stack = two_instances
    ids = await eventually(lambda: live(stack) if len(live(stack)) == 2 else None, 60)
    pairs = await open_pairs(CHATS)
    await eventually(lambda: all(_bot_in(p) == owner(_chat(p), ids) for p in pairs) or None, 60)
    assert _bot_sessions(stack, pairs) == {p.room: [owner(_chat(p), ids)] for p in pairs}

    for pair in pairs:  # both instances live: every question gets one offer
        pair.customer.client.say(pair.room, QUESTION)
    await eventually(lambda: all(_offers(p) for p in pairs) or None, 60)

    shares = Counter(owner(_chat(pair), ids) for pair in pairs)
    victim = shares.most_common(1)[0][0]
    assert victim is not None
    survivor = next(i for i in ids if i != victim)
    load, log = Load(pairs, "shared"), Log(stack)
    # Supporters chat; a customer's message is a question, and those are counted apart.
    load.streams = [stream for stream in load.streams if stream.side is stream.pair.supporter]
    load.start()
    await asyncio.sleep(3)
    stack.stop(process_of(stack, victim), signal.SIGKILL)
    killed = time.monotonic()
    await asyncio.sleep(1)
    await load.stop()
    for pair in pairs:  # asked while the victim's rooms have no bot: answered on takeover
        pair.customer.client.say(pair.room, QUESTION)
    await eventually(lambda: all(_bot_in(p) == survivor for p in pairs) or None, 30)
    took_over = time.monotonic() - killed
    await eventually(lambda: all(len(_offers(p)) >= 2 for p in pairs) or None, 60)
    await asyncio.sleep(3)  # a second offer for one question would have come by now

    await load.delivered()
    await log.caught_up(load, 15)
    counts = log.counts(load)
    offered = sorted(len(_offers(pair)) for pair in pairs)
    first_lines = {offer["body"].splitlines()[0] for pair in pairs for offer in _offers(pair)}
    line = counts.line(
        "one of two bots instances SIGKILLed",
        f"{shares[victim]} of {CHATS} rooms were its; the other instance served all "
        f"{CHATS} {took_over:.1f} s after the kill (heartbeat expiry {EXPIRY_SECONDS:.0f} s); "
        f"offers per chat for 2 questions each: {offered}",
    )
    print(line)
    report(line)
    assert took_over < TAKEOVER_SECONDS
    assert offered == [2] * CHATS
    assert first_lines == {f"1) {BATTERY}"}
    assert _bot_sessions(stack, pairs) == {pair.room: [survivor] for pair in pairs}
    assert counts.reflected == counts.received == counts.logged == counts.sent
    assert (counts.lost, counts.duplicated, counts.out_of_order) == (0, 0, 0)


async def test_a_second_instance_takes_its_share_of_the_rooms_from_a_running_one(
    suggesting: Stack, start_second: Callable[[], None], open_pairs: OpenPairs
) -> None:
    stack = suggesting
    alone = await eventually(lambda: live(stack)[0] if len(live(stack)) == 1 else None, 60)
    pairs = await open_pairs(CHATS)
    await eventually(lambda: all(_bot_in(p) == alone for p in pairs) or None, 60)

    start_second()
    started = time.monotonic()
    ids = await eventually(lambda: live(stack) if len(live(stack)) == 2 else None, 60)
    await eventually(lambda: all(_bot_in(p) == owner(_chat(p), ids) for p in pairs) or None, 30)
    shared = time.monotonic() - started
    sessions = _bot_sessions(stack, pairs)
    for pair in pairs:
        pair.customer.client.say(pair.room, QUESTION)
    await eventually(lambda: all(_offers(p) for p in pairs) or None, 60)
    await asyncio.sleep(3)  # a second offer for one question would have come by now

    moved = sum(owner(_chat(pair), ids) != alone for pair in pairs)
    offered = sorted(len(_offers(pair)) for pair in pairs)
    line = (
        f"a second bots instance started: {moved} of {CHATS} rooms moved to it, every room with "
        f"its owner alone in it {shared:.1f} s after the start; offers per chat for 1 question "
        f"each: {offered}"
    )
    print(line)
    report(line)
    assert sessions == {pair.room: [owner(_chat(pair), ids)] for pair in pairs}
    assert offered == [1] * CHATS


# Shorter than the heartbeat expiry (the bots stay in their rooms), and longer (they lapse).
@pytest.mark.parametrize("outage_seconds", [2.0, 6.0])
async def test_after_a_postgres_restart_each_room_has_one_bot_and_every_question_one_offer(
    two_instances: Stack, open_pairs: OpenPairs, outage_seconds: float
) -> None:
    stack = two_instances
    data_dir = stack.settings.data_dir
    if stack.settings.database_url != embedded_url(data_dir):
        pytest.skip("restarts only the embedded server")
    ids = await eventually(lambda: live(stack) if len(live(stack)) == 2 else None, 60)
    pairs = await open_pairs(CHATS)
    await eventually(lambda: all(_bot_in(p) == owner(_chat(p), ids) for p in pairs) or None, 60)
    load, log = Load(pairs, "botspg"), Log(stack)
    load.streams = [stream for stream in load.streams if stream.side is stream.pair.supporter]

    load.start()
    await asyncio.sleep(2)
    await asyncio.to_thread(stop_embedded, data_dir)
    await asyncio.sleep(1)
    await load.stop()  # the supporters wait for the customers' questions
    for pair in pairs:  # asked while no instance can reach the database
        pair.customer.client.say(pair.room, QUESTION)
    await asyncio.sleep(outage_seconds - 1)
    await asyncio.to_thread(embedded_url, data_dir)
    back = time.monotonic()
    after = await eventually(lambda: live(stack) if len(live(stack)) == 2 else None, 30)
    await eventually(lambda: all(_bot_in(p) == owner(_chat(p), after) for p in pairs) or None, 30)
    settled = time.monotonic() - back
    await eventually(lambda: all(_offers(p) for p in pairs) or None, 60)
    answered = time.monotonic() - back
    for pair in pairs:
        pair.customer.client.say(pair.room, QUESTION)
    await eventually(lambda: all(len(_offers(p)) >= 2 for p in pairs) or None, 60)
    await asyncio.sleep(3)  # a third offer for two questions would have come by now
    await load.delivered()
    await log.caught_up(load, 15)

    counts = log.counts(load)
    offered = sorted(len(_offers(pair)) for pair in pairs)
    line = counts.line(
        "PostgreSQL restarted under two bots instances",
        f"down {outage_seconds:.0f} s (heartbeat expiry {EXPIRY_SECONDS:.0f} s); every room with "
        f"its one bot {settled:.1f} s after it was back, the question asked while it was down "
        f"offered for in every chat {answered:.1f} s after; offers per chat for 2 questions: "
        f"{offered}",
    )
    print(line)
    report(line)
    assert _bot_sessions(stack, pairs) == {p.room: [owner(_chat(p), after)] for p in pairs}
    assert offered == [2] * CHATS
    assert counts.reflected == counts.received == counts.logged == counts.sent
    assert (counts.lost, counts.duplicated, counts.out_of_order) == (0, 0, 0)


def _chat(pair: Pair) -> uuid.UUID:
    return uuid.UUID(pair.chat_id)


def _bot_in(pair: Pair) -> str | None:
    return instance_in(pair.supporter.client, pair.room, BOT_NICK)


def _bot_sessions(stack: Stack, pairs: list[Pair]) -> dict[str, list[str]]:
    return bot_sessions(stack, [pair.room for pair in pairs], bots.SUGGEST)
