"""Expired or revoked sessions end on XMPP too, within five seconds."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest

from bridge.accounts import tokens
from tests.conftest import Person, report
from tests.stack import Stack
from tests.xmpp import Client

Connect = Callable[[Person], Awaitable[Client]]
LIMIT = 5.0


async def _ended_within(client: Client, started: float) -> float:
    await asyncio.wait_for(client.gone.wait(), LIMIT + 2)
    return time.monotonic() - started


async def test_logout_ends_the_xmpp_session_and_the_token_stops_working(
    stack: Stack, make_guest: Callable[[str], Person], connect: Connect
) -> None:
    mia = make_guest("Mia")
    client = await connect(mia)
    await asyncio.sleep(1.05)  # the cut-off must fall after the token's second
    started = time.monotonic()
    await asyncio.to_thread(
        httpx.post, f"{stack.api}/api/auth/logout", headers={"Authorization": f"Bearer {mia.token}"}
    )
    seconds = await _ended_within(client, started)
    report(f"logout -> XMPP session ended after {seconds:.1f} s")
    assert seconds <= LIMIT
    with pytest.raises(PermissionError):
        await Client(mia.jid, mia.token).login(stack.settings.xmpp_port)


async def test_an_expiring_token_ends_the_session_when_it_expires(
    stack: Stack, make_guest: Callable[[str], Person], connect: Connect
) -> None:
    mia = make_guest("Mia")
    short = tokens.mint(
        uuid.UUID(mia.user_id),
        "user",
        stack.settings.jwt_secret,
        now=time.time() - tokens.LIFETIME_SECONDS + 3,
    )
    client = await connect(Person(mia.user_id, mia.name, mia.jid, short, short))
    expires = time.monotonic() + 3
    await asyncio.wait_for(client.gone.wait(), 3 + LIMIT + 2)
    late = time.monotonic() - expires
    report(f"token expiry -> XMPP session ended {late:.1f} s after expiry")
    assert late <= LIMIT


async def test_disabling_a_supporter_ends_their_desktop_session(
    stack: Stack, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    admin = make_supporter("Ada", role="admin")
    sam = make_supporter("Sam")
    desktop = await connect(sam)  # signed in with the password, like Gajim
    started = time.monotonic()
    answer = await asyncio.to_thread(
        httpx.patch,
        f"{stack.api}/api/admin/users/{sam.user_id}",
        json={"disabled": True},
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert answer.status_code == 200
    assert await _ended_within(desktop, started) <= LIMIT
    with pytest.raises(PermissionError):
        await Client(sam.jid, sam.password).login(stack.settings.xmpp_port)
