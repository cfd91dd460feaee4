"""The bridge lock on its own: one holder, a standby that waits, a holder that steps down."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import Connection, text

from bridge.routing.leadership import STANDBY_POLL_SECONDS, Leadership
from tests.stack import Stack


def _pair(stack: Stack) -> tuple[Leadership, Leadership]:
    """Two contenders for a lock of their own (the stack's bridge holds the real one)."""
    key = random.randrange(1, 2**62)
    return Leadership(stack.db.engine, key), Leadership(stack.db.engine, key)


async def test_a_standby_waits_for_the_lock_and_gets_it_when_the_holder_lets_go(
    stack: Stack,
) -> None:
    active, standby = _pair(stack)
    await active.acquire()
    waiting = asyncio.create_task(standby.acquire())
    await asyncio.sleep(STANDBY_POLL_SECONDS * 1.5)
    assert not waiting.done()

    active.release()  # what PostgreSQL does when the holder dies
    await asyncio.wait_for(waiting, STANDBY_POLL_SECONDS * 3)
    standby.release()


async def test_a_holder_whose_connection_broke_steps_down_if_a_standby_took_the_lock(
    stack: Stack,
) -> None:
    holder, standby = _pair(stack)
    await holder.acquire()
    holding = asyncio.create_task(holder.keep())
    backend = holder._connection.get_backend_pid()
    stack.db.run_sync(_terminate, backend)  # as a PostgreSQL restart would
    await standby.acquire()  # quicker than the holder's next check

    await asyncio.wait_for(holding, 5)  # keep() returns: the holder steps down
    standby.release()
    holder.release()


async def test_a_holder_whose_connection_broke_takes_the_lock_back(stack: Stack) -> None:
    holder, standby = _pair(stack)
    await holder.acquire()
    holding = asyncio.create_task(holder.keep())
    stack.db.run_sync(_terminate, holder._connection.get_backend_pid())
    await asyncio.sleep(2.5)  # the holder noticed and took the lock back

    assert not holding.done()
    assert await asyncio.to_thread(standby._try_lock) is False
    holding.cancel()
    holder.release()
    standby.release()


def _terminate(conn: Connection, backend: int) -> None:
    conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
