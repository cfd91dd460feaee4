"""One load phase: customers send at a fixed offered rate, supporters receive, we measure.

Each message's body carries the phase tag, its number and the send time
(`time.monotonic_ns`), then a customer's question, so the suggest bot has real
work. Sending is open-loop: message `i` is due at `start + i / rate`, whatever
the server does, and late messages are sent at once rather than skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from bench.load.fleet import Connected
from bench.load.procs import Meter
from bench.load.xmpp import CLIENT_NS

QUESTION = "Mein Akku lädt nicht mehr, was kann ich tun?"
DRAIN_SECONDS = 5.0
BODY = f"{{{CLIENT_NS}}}body"


@dataclass
class Recorder:
    """Arrival times at the supporters of the current phase's messages."""

    tag: str = ""
    arrivals: dict[int, int] = field(default_factory=dict)  # message number -> arrival ns
    latencies_ns: list[int] = field(default_factory=list)
    expected: int = 0
    all_in: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self, expected: int) -> str:
        """Forget the last phase; return the new phase's tag."""
        self.tag = uuid.uuid4().hex[:8]
        self.arrivals, self.latencies_ns = {}, []
        self.expected = expected
        self.all_in.clear()
        return self.tag

    async def complete(self, timeout: float) -> None:
        """Wait until every expected message arrived, or `timeout` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.all_in.wait(), timeout)

    def on_message(self, message: ET.Element, now: int) -> None:
        """A supporter received a stanza: keep it if it is a room message of this phase."""
        if message.get("type") != "groupchat":
            return
        body = message.findtext(BODY) or ""
        parts = body.split(" ", 3)
        if len(parts) < 3 or parts[0] != self.tag:
            return
        number = int(parts[1])
        if number not in self.arrivals:
            self.arrivals[number] = now
            self.latencies_ns.append(now - int(parts[2]))
            if len(self.arrivals) >= self.expected:
                self.all_in.set()


@dataclass(frozen=True)
class Result:
    """What one phase measured."""

    offered_rate: float
    sent: int
    delivered: int
    delivered_rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_us_per_message: dict[str, float]
    generator_cpu: float  # share of one core
    log_lag_p99_s: float | None = None

    @property
    def delivered_share(self) -> float:
        """Delivered messages as a share of those sent."""
        return self.delivered / self.sent if self.sent else 0.0

    def sustained(self, p99_bound_ms: float) -> bool:
        """Delivered ≥ 99% of the offered load, with p99 under the bound."""
        return self.delivered_share >= 0.99 and self.p99_ms < p99_bound_ms

    def line(self) -> str:
        """One line for the report."""
        cpu = ", ".join(f"{name} {us:.0f}" for name, us in self.cpu_us_per_message.items())
        lag = "" if self.log_lag_p99_s is None else f", log lag p99 {self.log_lag_p99_s:.2f} s"
        return (
            f"offered {self.offered_rate:.0f}/s: delivered {self.delivered_rate:.0f}/s "
            f"({self.delivered_share:.1%}), p50 {self.p50_ms:.1f} / p95 {self.p95_ms:.1f} / "
            f"p99 {self.p99_ms:.1f} ms; CPU µs/msg: {cpu}; generator CPU "
            f"{self.generator_cpu:.0%}{lag}"
        )


LogWatch = Callable[[str, Recorder, asyncio.Event], Coroutine[Any, Any, float | None]]
"""Given the tag, the recorder and a 'phase done' event: the log lag p99, or None."""


async def run_phase(
    system: Connected,
    recorder: Recorder,
    meter_of: Callable[[], Meter],
    rate: float,
    seconds: float,
    log_watch: LogWatch | None = None,
) -> Result:
    """Offer `rate` messages/s for `seconds` across all rooms and measure the phase."""
    total = max(1, int(rate * seconds))
    tag = recorder.start(total)
    done = asyncio.Event()
    watch = asyncio.create_task(log_watch(tag, recorder, done)) if log_watch else None
    meter = meter_of()
    started = time.monotonic_ns()
    await _offer(system, tag, rate, total, started)
    await recorder.complete(DRAIN_SECONDS)
    cpu, generator = meter.read()
    done.set()
    lag = await watch if watch else None
    if watch:  # the phase's messages cost the product CPU until the last one is logged
        cpu, _ = meter.read()
    delivered = len(recorder.arrivals)
    last = max(recorder.arrivals.values(), default=started)
    elapsed = max((last - started) / 1e9, seconds)
    latencies = recorder.latencies_ns
    return Result(
        offered_rate=rate,
        sent=total,
        delivered=delivered,
        delivered_rate=delivered / elapsed,
        p50_ms=_percentile_ms(latencies, 0.50),
        p95_ms=_percentile_ms(latencies, 0.95),
        p99_ms=_percentile_ms(latencies, 0.99),
        cpu_us_per_message={name: used / max(delivered, 1) * 1e6 for name, used in cpu.items()},
        generator_cpu=generator,
        log_lag_p99_s=lag,
    )


async def _offer(system: Connected, tag: str, rate: float, total: int, started: int) -> None:
    rooms = len(system.rooms)
    interval_ns = 1e9 / rate
    number = 0
    while number < total:
        now = time.monotonic_ns()
        due = min(total, int((now - started) / interval_ns) + 1)
        while number < due:
            room = number % rooms
            body = f"{tag} {number} {time.monotonic_ns()} {QUESTION}"
            system.customers[room].say(system.rooms[room], body, f"{tag}-{number}")
            number += 1
        await asyncio.sleep(max(0.0, (started + number * interval_ns - time.monotonic_ns()) / 1e9))


def _percentile_ms(latencies_ns: list[int], share: float) -> float:
    return percentile([float(value) for value in latencies_ns], share) / 1e6


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("inf")
