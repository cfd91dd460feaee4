"""Logins per second through extauth, and many idle customer connections on one node.

Customers are guest accounts with session tokens, minted as the api mints them
(written straight to the database: 10,000 api calls would measure the api, not
the login). Each logs in over c2s with its token as the password — the whole
path: TCP, STARTTLS, SASL PLAIN through ejabberd's extauth program and the api,
resource binding, presence — and stays connected. The first `timed` logins give
the login rate and the CPU each measured process spent per login; the node's
resident memory before and after all of them gives the memory per connection.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass

from sqlalchemy import Connection

from bench.load.phase import percentile
from bench.load.procs import Meter, Piece, rss_bytes
from bench.load.xmpp import Account, Client
from bridge.accounts import service as accounts
from bridge.settings import Settings
from tests.stack import Stack

CONCURRENCY = 64
SETTLE_SECONDS = 5.0


@dataclass(frozen=True)
class IdleResult:
    """Login rate and memory of idle connections."""

    timed: int
    logins_per_second: float
    login_seconds: tuple[float, float, float]  # p50, p99 and slowest of the timed logins
    cpu_us_per_login: dict[str, float]
    generator_cpu: float  # share of one core while the timed logins ran
    connected: int
    failed: int
    rss_before: int
    rss_after: int

    @property
    def kib_per_connection(self) -> float:
        """Growth of the node's resident memory per connected customer."""
        return (self.rss_after - self.rss_before) / max(self.connected, 1) / 1024


def _guests(conn: Connection, count: int, settings: Settings) -> list[tuple[str, str]]:
    """`count` new guest customers: their JIDs and session tokens."""
    made = []
    for number in range(count):
        user = accounts.create_guest(conn, display_name=f"Idle {number}")
        token = accounts.mint_token(user, settings.jwt_secret)
        made.append((f"{user.localpart}@{settings.xmpp_domain}", token))
    return made


async def idle_connections(
    stack: Stack, pieces: list[Piece], tls: ssl.SSLContext | None, count: int, timed: int
) -> IdleResult:
    """Log `count` fresh customers in (timing the first `timed`), keep them, measure memory.

    `pieces` are the product's measured processes, ejabberd's first.
    """
    settings = stack.settings
    guests = await stack.db.run(_guests, count, settings)
    clients = [
        Client(Account(jid, token, settings.xmpp_host, settings.xmpp_port), tls)
        for jid, token in guests
    ]
    beam_pid = pieces[0].pid
    rss_before = rss_bytes(beam_pid)
    gate = asyncio.Semaphore(CONCURRENCY)
    failures = 0
    durations: list[float] = []

    async def login(client: Client) -> None:
        nonlocal failures
        async with gate:
            began = time.monotonic()
            try:
                await client.login("web")
                durations.append(time.monotonic() - began)
            except (OSError, PermissionError, RuntimeError, TimeoutError):
                failures += 1
                await client.close()

    meter = Meter(pieces)
    started = time.monotonic()
    await asyncio.gather(*(login(client) for client in clients[:timed]))
    rate = timed / (time.monotonic() - started) if timed else 0.0
    times = _login_times(durations)
    used, generator_cpu = meter.read()
    per_login = {name: seconds * 1e6 / max(timed, 1) for name, seconds in used.items()}
    await asyncio.gather(*(login(client) for client in clients[timed:]))
    await asyncio.sleep(SETTLE_SECONDS)
    connected = sum(client.online for client in clients)
    rss_after = rss_bytes(beam_pid)
    result = IdleResult(
        timed, rate, times, per_login, generator_cpu, connected, failures, rss_before, rss_after
    )
    await asyncio.gather(*(client.close() for client in clients))
    return result


def _login_times(durations: list[float]) -> tuple[float, float, float]:
    """p50, p99 and the slowest: a login held up (a dropped SYN waits 1 s and more) shows."""
    if not durations:
        return (0.0, 0.0, 0.0)
    return (percentile(durations, 0.50), percentile(durations, 0.99), max(durations))
