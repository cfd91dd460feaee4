"""How fast suggestions come: to the supporter over XMPP, from the model, and over HTTP.

Each figure is printed with its bare ceiling measured in the same run:
- customer message -> three suggestions at the supporter, against the same
  message reaching the supporter through the room (ejabberd alone);
- the model scoring one question (in this process; the target is p95 <= 50 ms);
- `POST /api/suggestions/query`, against `GET /healthz` of the same api.

The stack is a private one (as in the tests), trained on the synthetic archive
of the tests, with the real `bots` process.

    .venv/bin/python -m bench.suggestions_latency --rooms 10 --questions 20
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from slixmpp import JID

from bench.delivery import set_up_rooms
from bots.suggestions.live_model import LiveModel
from tests.conftest import eventually
from tests.stack import Stack, run_cli, start_stack, stop_stack
from tests.suggestions.archive import MODULES, write_archive
from tests.xmpp import NS, Client

QUESTIONS = [question for _, asked in MODULES.values() for question in asked]


def percentiles(values: list[float]) -> str:
    """p50 / p95 / p99 in milliseconds."""
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return f"p50 {at(0.5):.1f} ms, p95 {at(0.95):.1f} ms, p99 {at(0.99):.1f} ms"


def p95(values: list[float]) -> float:
    """The 95th percentile."""
    return sorted(values)[min(len(values) - 1, int(0.95 * len(values)))]


async def main() -> None:
    """Set up, measure the three paths, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--questions", type=int, default=20, help="per room")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    stack = start_stack()
    try:
        _train(stack)
        stack.start("bots")
        customers, supporter, rooms = await set_up_rooms(stack, args.rooms)
        await eventually(lambda: _bot_everywhere(supporter, rooms), timeout=60)
        offered, delivered = await _xmpp(customers, supporter, rooms, args.questions)
        print(f"customer -> suggestions at the supporter: {percentiles(offered)}")
        print(f"customer -> message at the supporter (ceiling): {percentiles(delivered)}")
        print(f"ratio p95 suggestions/ceiling: {p95(offered) / p95(delivered):.1f}")
        scoring = _scoring(stack)
        print(f"model scoring one question: {percentiles(scoring)}")
        query, health = await _http(stack, supporter, args.queries)
        print(f"POST /api/suggestions/query: {percentiles(query)}")
        print(f"GET /healthz (ceiling): {percentiles(health)}")
        print(f"ratio p95 query/ceiling: {p95(query) / p95(health):.1f}")
        for client in [*customers, supporter]:
            await client.logout()
    finally:
        stop_stack(stack)


def _train(stack: Stack) -> None:
    archive = Path(tempfile.mkdtemp()) / "chats.jsonl"
    write_archive(archive)
    print(run_cli(stack, "suggestions", "train", "--import", str(archive)).stdout.splitlines()[-1])


def _bot_everywhere(supporter: Client, rooms: list[str]) -> bool | None:
    muc = supporter.plugin["xep_0045"]
    return all("Suggestions" in (muc.get_roster(JID(room)) or []) for room in rooms) or None


async def _xmpp(
    customers: list[Client], supporter: Client, rooms: list[str], questions: int
) -> tuple[list[float], list[float]]:
    """Questions one after another in every room; each offer's and message's arrival time."""
    offered: list[float] = []
    delivered: list[float] = []
    for number in range(questions):
        question = QUESTIONS[number % len(QUESTIONS)]
        for customer, room in zip(customers, rooms, strict=True):
            seen = _offer_count(supporter, room)
            before_messages = len(supporter.arrivals)
            sent = time.perf_counter()
            customer.say(room, f"{question} ({number})")
            await supporter.wait_for(functools.partial(_offered_since, supporter, room, seen), 30)
            offered.append(time.perf_counter() - sent)
            arrival = next(a for b, a in supporter.arrivals[before_messages:] if f"({number})" in b)
            delivered.append(arrival - sent)
    return offered, delivered


def _offered_since(supporter: Client, room: str, seen: int) -> bool:
    return _offer_count(supporter, room) > seen


def _offer_count(supporter: Client, room: str) -> int:
    return sum(
        1
        for m in supporter.direct
        if m["from"].bare == room and m.xml.find(f"{{{NS}}}suggestions") is not None
    )


def _scoring(stack: Stack) -> list[float]:
    live = LiveModel(stack.db, stack.settings)
    model = stack.db.run_sync(live.newest)
    assert model is not None
    model.suggest("warm up")
    times = []
    for question in QUESTIONS * 10:
        started = time.perf_counter()
        model.suggest(question)
        times.append(time.perf_counter() - started)
    return times


async def _http(stack: Stack, supporter: Client, count: int) -> tuple[list[float], list[float]]:
    async with httpx.AsyncClient(base_url=stack.api, timeout=30) as api:
        token = await _token(api, supporter)
        headers = {"Authorization": f"Bearer {token}"}
        await api.post("/api/suggestions/query", json={"text": "warm up"}, headers=headers)
        query = [await _timed(api.post, "/api/suggestions/query", json={"text": q}, headers=headers)
                 for q in (QUESTIONS * count)[:count]]  # fmt: skip
        health = [await _timed(api.get, "/healthz") for _ in range(count)]
    return query, health


async def _token(api: httpx.AsyncClient, supporter: Client) -> str:
    login = await api.post(
        "/api/auth/login", json={"email": supporter.boundjid.user, "password": supporter.password}
    )
    token: str = login.json()["token"]
    return token


async def _timed(request: Any, *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    (await request(*args, **kwargs)).raise_for_status()
    return time.perf_counter() - started


if __name__ == "__main__":
    asyncio.run(main())
