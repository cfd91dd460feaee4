"""Bot instances on a real PostgreSQL: who is live, who owns a chat, and what moves when."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text

from bots.instances.membership import EXPIRY_SECONDS, HANDOVER_SECONDS, Instances, owner
from bridge.db import Database
from tests.suggestions.conftest import Databases

CHATS = [uuid.uuid4() for _ in range(200)]


def test_every_chat_has_one_owner_and_a_dead_instances_chats_alone_move() -> None:
    three = ("bots-1-a", "bots-2-b", "bots-3-c")
    before = {chat: owner(chat, three) for chat in CHATS}
    after = {chat: owner(chat, three[:2]) for chat in CHATS}

    shares = {instance: list(before.values()).count(instance) for instance in three}
    assert all(share > 30 for share in shares.values()), shares  # about a third each
    assert all(after[chat] == before[chat] for chat in CHATS if before[chat] != three[2])
    assert owner(CHATS[0], ()) is None


async def test_two_instances_split_the_chats_and_one_takes_all_when_the_other_leaves(
    empty: Databases,
) -> None:
    first, second = Instances(empty.live), Instances(empty.live)
    assert not any(first.owns(chat) for chat in CHATS)  # not beaten yet: owns nothing

    assert await first.beat()
    assert all(first.owns(chat) for chat in CHATS)
    assert await second.beat()
    assert await first.beat()
    assert not await first.beat()  # nothing changed since
    assert all(first.owns(chat) != second.owns(chat) for chat in CHATS)
    # The newcomer waits for the first to leave the rooms it took from it.
    assert all(second.taken_from_live(chat) for chat in CHATS if second.owns(chat))

    await second.leave()
    third = Instances(empty.live)
    await third.join()
    assert third.live == tuple(sorted((first.id, third.id)))
    await third.leave()
    assert await first.beat()
    assert all(first.owns(chat) for chat in CHATS)
    assert not any(first.taken_from_live(chat) for chat in CHATS)  # its previous owner is gone


async def test_an_instance_that_cannot_reach_the_database_owns_nothing(empty: Databases) -> None:
    now = [0.0]
    instances = Instances(empty.live, clock=lambda: now[0])
    assert await instances.beat()
    unreachable = Database(create_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none"))
    instances.db = unreachable

    assert not await instances.beat()  # a missed beat or two: the others still count it live
    assert all(instances.owns(chat) for chat in CHATS)
    now[0] += EXPIRY_SECONDS
    assert await instances.beat()  # lapsed: its rooms are the others' now, so it leaves them
    assert not any(instances.owns(chat) for chat in CHATS)
    await instances.leave()  # cannot either: its row expires by itself

    instances.db = empty.live
    assert await instances.beat()
    assert all(instances.owns(chat) for chat in CHATS)


async def test_the_first_back_from_an_outage_leaves_the_others_their_rooms_for_a_while(
    empty: Databases,
) -> None:
    now = [0.0]
    first, second = (Instances(empty.live, clock=lambda: now[0]) for _ in range(2))
    assert await first.beat() and await second.beat() and await first.beat()
    mine = {chat for chat in CHATS if first.owns(chat)}
    assert 0 < len(mine) < len(CHATS)

    # Both lapse in a database outage; the second's row expires meanwhile.
    await empty.live.run(
        lambda conn: conn.execute(text("UPDATE bot_instances SET seen_at = now() - interval '1h'"))
    )
    now[0] += EXPIRY_SECONDS
    assert await first.beat()  # back first: the second is still counted, for a while
    assert {chat for chat in CHATS if first.owns(chat)} == mine
    now[0] += HANDOVER_SECONDS + 0.5
    assert await first.beat()  # the second did not come back: its rooms are the first's
    assert all(first.owns(chat) for chat in CHATS)
