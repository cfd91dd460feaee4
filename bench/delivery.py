"""Room delivery with the bridge in every room (and logging) against the same rooms without it.

The bridge must stay off the hot path: customers' messages reach the supporter
through ejabberd alone, and the bridge only listens and logs. This benchmark
sends the same load twice per round — once with the bridge running (product),
once with it stopped (ceiling: bare ejabberd rooms, same config) — alternating,
and prints the medians of the ratios, plus how long the log takes to catch up.

    .venv/bin/python -m bench.delivery --rooms 20 --messages 40 --rate 300 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy import func, select

from bridge.db import messages
from tests.conftest import eventually
from tests.stack import Stack, start_stack, stop_stack
from tests.xmpp import Client


@dataclass(frozen=True)
class Run:
    """What one phase measured."""

    delivered_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    log_lag_s: float | None

    def __str__(self) -> str:
        lag = "" if self.log_lag_s is None else f", all logged {self.log_lag_s:.2f} s after"
        return (
            f"{self.delivered_per_second:.0f} msg/s, p50 {self.p50_ms:.1f} ms, "
            f"p95 {self.p95_ms:.1f} ms, p99 {self.p99_ms:.1f} ms{lag}"
        )


async def main() -> None:
    """Parse options, set up the rooms, alternate product and ceiling, print ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--messages", type=int, default=40, help="per room and phase")
    parser.add_argument("--rate", type=float, default=300, help="offered messages/s in total")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    stack = start_stack()
    try:
        customers, supporter, rooms = await set_up_rooms(stack, args.rooms)
        ratios: dict[str, list[float]] = {"throughput": [], "p50": [], "p95": []}
        for number in range(args.rounds):
            product = await _phase(stack, customers, supporter, rooms, args, logged=True)
            stack.stop("bridge")
            ceiling = await _phase(stack, customers, supporter, rooms, args, logged=False)
            stack.start("bridge")
            stack.wait_ready()
            print(f"round {number + 1}: product {product}\n         ceiling {ceiling}")
            ratios["throughput"].append(product.delivered_per_second / ceiling.delivered_per_second)
            ratios["p50"].append(product.p50_ms / ceiling.p50_ms)
            ratios["p95"].append(product.p95_ms / ceiling.p95_ms)
        print(f"offered {args.rate:.0f} msg/s over {args.rooms} rooms, {args.rounds} rounds")
        for name, values in ratios.items():
            print(f"median ratio product/ceiling {name}: {statistics.median(values):.2f}")
        for client in [*customers, supporter]:
            await client.logout()
    finally:
        stop_stack(stack)


async def set_up_rooms(stack: Stack, count: int) -> tuple[list[Client], Client, list[str]]:
    """Rooms with a guest customer each, all taken by one supporter who is in every room."""
    from bridge.accounts import service

    password = uuid.uuid4().hex
    username = f"bench{uuid.uuid4().hex[:6]}"
    stack.db.run_sync(
        lambda conn: service.create_staff(
            conn, email=f"{username}@example.com", role="supporter", password=password
        )
    )
    supporter = Client(f"{username}@{stack.settings.xmpp_domain}", password)
    await supporter.login(stack.settings.xmpp_port)
    customers, rooms = [], []
    async with httpx.AsyncClient(base_url=stack.api, timeout=20) as api:
        login = await api.post("/api/auth/login", json={"email": username, "password": password})
        staff = {"Authorization": f"Bearer {login.json()['token']}"}
        for number in range(count):
            guest = (await api.post("/api/auth/guest", json={"display_name": f"B{number}"})).json()
            customer = {"Authorization": f"Bearer {guest['token']}"}
            chat = (await api.post("/api/chats", json={}, headers=customer)).json()
            (await api.post(f"/api/chats/{chat['id']}/take", headers=staff)).raise_for_status()
            client = Client(guest["xmpp"]["jid"], guest["token"])
            await client.login(stack.settings.xmpp_port)
            await client.join(chat["room_jid"], f"B{number}")
            customers.append(client)
            rooms.append(chat["room_jid"])
    await asyncio.sleep(1)  # the bridge adds the supporter to every room
    for room in rooms:
        await supporter.join(room, "Agent")
    return customers, supporter, rooms


async def _phase(
    stack: Stack,
    customers: list[Client],
    supporter: Client,
    rooms: list[str],
    args: argparse.Namespace,
    *,
    logged: bool,
) -> Run:
    tag = uuid.uuid4().hex[:6]
    total = len(rooms) * args.messages
    before = len(supporter.room_messages)
    logged_before = stack.db.run_sync(_count_logged)
    interval = 1 / args.rate
    started = time.perf_counter()
    for number in range(total):
        room = number % len(rooms)
        customers[room].say(rooms[room], f"{tag} {time.perf_counter():.6f}")
        await asyncio.sleep(max(0.0, started + (number + 1) * interval - time.perf_counter()))
    await supporter.wait_for(lambda: _received(supporter, before, tag) >= total, timeout=120)
    arrivals = supporter.arrivals[before:]
    latencies = sorted(
        arrived - float(body.split()[1]) for body, arrived in arrivals if body.startswith(tag)
    )
    elapsed = max(arrived for _, arrived in arrivals) - started
    lag = None
    if logged:
        sent_done = time.perf_counter()
        await eventually(
            lambda: True if stack.db.run_sync(_count_logged) >= logged_before + total else None,
            timeout=60,
        )
        lag = time.perf_counter() - sent_done
    return Run(
        total / elapsed, _ms(latencies, 0.50), _ms(latencies, 0.95), _ms(latencies, 0.99), lag
    )


def _received(supporter: Client, before: int, tag: str) -> int:
    return sum(1 for m in supporter.room_messages[before:] if m.body.startswith(tag))


def _ms(values: list[float], share: float) -> float:
    return 1000 * values[min(len(values) - 1, int(share * len(values)))]


def _count_logged(conn: object) -> int:
    return int(conn.execute(select(func.count()).select_from(messages)).scalar())  # type: ignore[attr-defined]


if __name__ == "__main__":
    asyncio.run(main())
