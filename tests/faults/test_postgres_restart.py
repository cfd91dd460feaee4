"""PostgreSQL restarted mid-chat: rooms go on, the log catches up, the queue still works."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bridge.postgres import embedded_url, stop_embedded
from tests.conftest import Person, report
from tests.faults.conftest import Connect, OpenPairs, StartChat, offered_to_supporters
from tests.faults.load import Load, Log, mam_storage
from tests.stack import Stack

OUTAGE_SECONDS = 4.0
CATCH_UP_SECONDS = 10.0


async def test_chats_go_on_and_the_log_catches_up_when_postgres_restarts(
    stack: Stack,
    open_pairs: OpenPairs,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    if stack.settings.database_url != embedded_url(stack.settings.data_dir):
        pytest.skip("restarts only the embedded server")
    pairs = await open_pairs(3)
    waiting = await customer_in_chat("Wanda", "Rahmen gebrochen")
    load, log = Load(pairs, "pg"), Log(stack)

    load.start()
    await asyncio.sleep(3)
    await asyncio.to_thread(stop_embedded, stack.settings.data_dir)
    sent_before = load.sent
    await asyncio.sleep(OUTAGE_SECONDS)
    sent_during = load.sent - sent_before
    await asyncio.to_thread(embedded_url, stack.settings.data_dir)
    catching_up = asyncio.create_task(log.caught_up(load, CATCH_UP_SECONDS))
    await asyncio.sleep(3)
    await load.stop()
    await load.delivered()
    lag = await catching_up
    await log.caught_up(load, CATCH_UP_SECONDS)
    counts = log.counts(load)
    offered = await offered_to_supporters(stack, waiting, make_supporter, connect)

    line = counts.line(
        "PostgreSQL restarted",
        f"{sent_during} sent while it was down; log complete {lag:.1f} s after it was back; "
        f"rooms' archive (MAM) on {mam_storage(stack)}; waiting chat still offered: {offered!r}",
    )
    print(line)
    report(line)
    assert sent_during > 0
    assert counts.reflected == counts.received == counts.logged == counts.sent
    assert (counts.lost, counts.duplicated, counts.out_of_order) == (0, 0, 0)
    stack.wait_ready()
