"""The bridge killed with SIGKILL under load: restarted, or replaced by a standby within seconds."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Person, call, eventually, report
from tests.faults.conftest import Connect, OpenPairs, StartChat, offered_to_supporters
from tests.faults.load import Load, Log
from tests.stack import Stack
from tests.xmpp import Client

STANDING_BY = "another bridge is active; standing by"
TAKEOVER_SECONDS = 5.0


async def test_chats_go_on_and_the_log_is_complete_when_the_bridge_is_killed_and_restarted(
    stack: Stack,
    open_pairs: OpenPairs,
    customer_in_chat: StartChat,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    pairs = await open_pairs(3)
    waiting = await customer_in_chat("Wanda", "Akku lädt nicht")
    watcher = await connect(make_supporter("Watcher"))
    load, log = Load(pairs, "kill"), Log(stack)

    load.start()
    await asyncio.sleep(3)
    stack.stop("bridge", signal.SIGKILL)
    newcomer = make_guest(f"Nina {uuid.uuid4().hex[:4]}")
    opening = asyncio.create_task(  # the api waits (up to 10 s) for the bridge to open the room
        asyncio.to_thread(
            call, stack, "POST", "/api/chats", newcomer, json={"subject": "Bremse quietscht"}
        )
    )
    await asyncio.sleep(0.5)  # the supervisor's check interval
    stack.start("bridge")
    await asyncio.sleep(4)
    await load.stop()
    await load.delivered()
    lag = await log.caught_up(load, 15)
    counts = log.counts(load)
    offered = await offered_to_supporters(stack, waiting, make_supporter, connect)
    announced = await watcher.wait_for(lambda: _announcement(watcher, newcomer.name), 20)
    opened = await opening

    line = counts.line(
        "bridge SIGKILLed and restarted",
        f"log complete {lag:.1f} s after the sending stopped; waiting chat still offered: "
        f"{offered!r}; a chat opened while it was down (api answered {opened.status_code}) "
        f"was announced: {announced!r}",
    )
    print(line)
    report(line)
    assert counts.reflected == counts.received == counts.logged == counts.sent
    assert (counts.lost, counts.duplicated, counts.out_of_order) == (0, 0, 0)
    stack.wait_ready()


async def test_a_standby_bridge_takes_over_within_seconds_when_the_active_one_is_killed(
    stack: Stack,
    open_pairs: OpenPairs,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    bridge_log = stack.settings.log_dir / "bridge.log"
    stood_by = _count(bridge_log, STANDING_BY)
    stack.start("standby", "bridge")
    await eventually(lambda: _count(bridge_log, STANDING_BY) > stood_by or None)
    pairs = await open_pairs(2)
    waiting = await customer_in_chat("Wanda", "Schloss klemmt")
    watcher = await connect(make_supporter("Watcher"))
    load, log = Load(pairs, "standby"), Log(stack)

    load.start()
    await asyncio.sleep(3)
    stack.stop("bridge", signal.SIGKILL)
    takeover = await _answering(watcher, stack.settings.component_jid)
    stack.start("bridge")  # restarted as the supervisor would: now it is the standby
    await asyncio.sleep(3)
    await load.stop()
    await load.delivered()
    lag = await log.caught_up(load, 15)
    counts = log.counts(load)
    offered = await offered_to_supporters(stack, waiting, make_supporter, connect)
    await eventually(lambda: _count(bridge_log, STANDING_BY) > stood_by + 1 or None)

    line = counts.line(
        "active bridge SIGKILLed, standby took over",
        f"commands answered again {takeover:.1f} s after the kill; log complete {lag:.1f} s "
        f"after the sending stopped; waiting chat still offered: {offered!r}",
    )
    print(line)
    report(line)
    assert takeover < TAKEOVER_SECONDS
    assert counts.reflected == counts.received == counts.logged == counts.sent
    assert (counts.lost, counts.duplicated, counts.out_of_order) == (0, 0, 0)
    stack.stop("bridge")  # the restarted one, standing by: it stops cleanly
    stack.processes["bridge"] = stack.processes.pop("standby")
    stack.wait_ready()


async def _answering(supporter: Client, support: str, timeout: float = 30) -> float:
    """Seconds until the bridge answers a command again."""
    started = time.monotonic()
    while True:
        try:
            await supporter.reply_to(support, "help", timeout=0.5)
            return time.monotonic() - started
        except TimeoutError:
            if time.monotonic() - started > timeout:
                raise


def _announcement(supporter: Client, name: str) -> str | None:
    """The first line of the bridge's "new chat waiting" message about this customer."""
    for message in supporter.direct:
        body = str(message["body"] or "")
        if body.startswith("New chat waiting") and name in body:
            return body.splitlines()[0]
    return None


def _count(path: Path, text: str) -> int:
    """How often a line appears in a log file so far."""
    return path.read_text().count(text) if path.exists() else 0
