"""`make bench`: the product against a bare ejabberd ceiling, alternating, medians of ratios.

.venv/bin/python -m bench.load                      # the full run (about 10 minutes)
.venv/bin/python -m bench.load --rooms 20 --rounds 1 --idle 200 --logins 100   # a quick look
.venv/bin/python -m bench.load --idle 0 --product-rates 400,1460   # the product alone
.venv/bin/python -m bench.load --logins-only --idle 2000 --logins 2000          # logins alone
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvloop

from bench.load import archive
from bench.load.fleet import Connected, bare_fleet, connect, product_fleet
from bench.load.idle import CONCURRENCY, IdleResult, idle_connections
from bench.load.logwatch import LogWatch
from bench.load.phase import Recorder, Result, run_phase
from bench.load.procs import pin_self
from bench.load.search import maximum
from bench.load.systems import Systems, start_systems

GENERATOR_CPU_LIMIT = 0.70
GENERATOR_NICENESS = -5


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--rooms", type=int, default=200, help="chats, each with a customer and a supporter")
    add("--rooms-per-supporter", type=int, default=10)
    add("--rounds", type=int, default=3, help="ceiling/product alternations")
    add("--seconds", type=float, default=3.0, help="length of one load phase")
    add("--start-rate", type=float, default=25.0, help="first offered rate, msg/s")
    add("--factor", type=float, default=2.0, help="step between offered rates")
    add("--cap", type=float, default=20000.0, help="highest offered rate tried")
    add("--floor", type=float, default=2.0, help="lowest offered rate tried")
    add("--p99-bound", type=float, default=100.0, help="ms; a sustained rate stays under it")
    add("--moderate", type=float, default=50.0, help="offered msg/s of the moderate phase")
    add("--archive-fill", type=int, default=5000,
        help="archived messages per room before the ceiling's last maximum (0: skip)")  # fmt: skip
    add("--idle", type=int, default=10000, help="idle customer connections to open")
    add("--logins", type=int, default=2000, help="of which timed as the login rate")
    add("--server-cpus", default="0", help="cores for ejabberd and its archive database")
    add("--product-cpus", default="1", help="cores for the product's processes and database")
    add("--generator-cpus", default="1", help="cores for this load generator (first in line)")
    add("--no-tls", action="store_true", help="plain c2s instead of STARTTLS on both systems")
    add("--no-bots", action="store_true", help="the product without its bots (what they cost)")
    add("--product-rates", type=_rates, default=(),
        help="msg/s, comma-separated: the product alone, one phase at each rate")  # fmt: skip
    add("--logins-only", action="store_true",
        help="skip the throughput rounds: only the login rate and idle connections")  # fmt: skip
    return parser


def _rates(text: str) -> tuple[float, ...]:
    return tuple(float(rate) for rate in text.split(","))


def _positive(args: argparse.Namespace) -> None:
    numbers = ("rooms", "rooms_per_supporter", "rounds", "seconds", "start_rate", "moderate",
               "floor")  # fmt: skip
    for name in numbers:
        if getattr(args, name) <= 0:
            raise SystemExit(f"--{name.replace('_', '-')} must be positive")
    if args.factor <= 1:
        raise SystemExit("--factor must be above 1")
    if not 0 <= args.logins <= args.idle:
        raise SystemExit("--logins must be between 0 and --idle")


@dataclass
class Round:
    """One alternation's figures."""

    ceiling: Result | None
    product: Result | None
    ceiling_moderate: Result
    product_moderate: Result


async def _product_only(args: argparse.Namespace, systems: Systems) -> None:
    """One product phase at each of `--product-rates`, after the same warm-up."""
    recorder = Recorder()
    product = await connect(
        await product_fleet(systems.stack, args.rooms, args.rooms_per_supporter),
        systems.tls,
        recorder.on_message,
    )
    watch = LogWatch(systems.stack.db)
    for rate in (args.moderate, *args.product_rates):
        await systems.quiet()
        result = await run_phase(product, recorder, systems.product_meter, rate, args.seconds,
                                 watch)  # fmt: skip
        print(f"  product  {result.line()}; load average {_load()}", flush=True)
    await product.close()


async def _measure(args: argparse.Namespace, systems: Systems) -> list[Round]:
    product_recorder, ceiling_recorder = Recorder(), Recorder()
    per_supporter = args.rooms_per_supporter
    product = await connect(
        await product_fleet(systems.stack, args.rooms, per_supporter),
        systems.tls,
        product_recorder.on_message,
    )
    ceiling = await connect(
        await bare_fleet(systems.ceiling, args.rooms, per_supporter),
        systems.tls,
        ceiling_recorder.on_message,
    )
    secured = "STARTTLS" if systems.tls else "plain c2s"
    print(f"{args.rooms} rooms on each system, {len(product.supporters)} supporters; "
          f"{secured}, MAM on, shapers as in the product's config")  # fmt: skip
    watch = LogWatch(systems.stack.db)

    async def on_product(rate: float) -> Result:
        await systems.quiet()
        result = await run_phase(product, product_recorder, systems.product_meter, rate,
                                 args.seconds, watch)  # fmt: skip
        print(f"  product  {result.line()}", flush=True)
        return result

    async def on_ceiling(rate: float) -> Result:
        await systems.quiet()
        result = await run_phase(ceiling, ceiling_recorder, systems.ceiling_meter, rate,
                                 args.seconds)  # fmt: skip
        print(f"  ceiling  {result.line()}", flush=True)
        return result

    await on_ceiling(args.moderate)  # warm-up: rooms, sessions and the model are loaded
    await on_product(args.moderate)
    rounds = []
    starts = {"ceiling": args.start_rate, "product": args.start_rate}
    limits = {"factor": args.factor, "cap": args.cap, "floor": args.floor,
              "bound_ms": args.p99_bound}  # fmt: skip
    for number in range(args.rounds):
        print(f"round {number + 1}")
        best_ceiling = await maximum(on_ceiling, starts["ceiling"], **limits)
        best_product = await maximum(on_product, starts["product"], **limits)
        moderate = await on_ceiling(args.moderate), await on_product(args.moderate)
        rounds.append(Round(best_ceiling, best_product, *moderate))
        # Later rounds start a step below the last maximum: fewer phases, same search.
        for name, best in (("ceiling", best_ceiling), ("product", best_product)):
            if best is not None:
                starts[name] = max(args.floor, best.offered_rate / args.factor)
    if args.archive_fill:
        await _with_full_archives(args, systems, ceiling.rooms, on_ceiling, rounds, limits)
    await _close(product, ceiling)
    return rounds


async def _with_full_archives(
    args: argparse.Namespace,
    systems: Systems,
    rooms: list[str],
    on_ceiling: Callable[[float], Awaitable[Result]],
    rounds: list[Round],
    limits: dict[str, Any],
) -> None:
    """The ceiling's maximum again once every room has `--archive-fill` archived messages."""
    took = await archive.fill(systems.ceiling.settings, rooms, args.archive_fill)
    print(f"archives grown by {args.archive_fill} messages per room in {took:.0f} s")
    empty = [r.ceiling.delivered_rate for r in rounds if r.ceiling is not None]
    start = max(args.floor, statistics.median(empty) / args.factor) if empty else args.start_rate
    full = await maximum(on_ceiling, start, **limits)
    if not empty or full is None:
        print("  MAM on PostgreSQL: no sustained rate to compare (see the phases above)")
        return
    ratio = full.delivered_rate / statistics.median(empty)
    _target(f"ceiling max with {args.archive_fill} archived messages per room / with few",
            f"{full.delivered_rate:.0f} / {statistics.median(empty):.0f} msg/s = {ratio:.2f}",
            ratio >= 0.8, "≥ 0.80")  # fmt: skip


async def _close(*systems: Connected) -> None:
    for system in systems:
        await system.close()


def _report(args: argparse.Namespace, rounds: list[Round]) -> None:
    print("\nsummary (medians over rounds)")
    pairs = [(r.ceiling, r.product) for r in rounds if r.ceiling and r.product]
    for ceiling, product in pairs:
        logged = _seconds(product.log_lag_p99_s)
        print(f"  max sustained: ceiling {ceiling.delivered_rate:.0f} msg/s "
              f"(p99 {ceiling.p99_ms:.1f} ms), product {product.delivered_rate:.0f} msg/s "
              f"(p99 {product.p99_ms:.1f} ms, log lag p99 {logged})")  # fmt: skip
    if pairs:
        ratio = statistics.median(p.delivered_rate / c.delivered_rate for c, p in pairs)
        lag = statistics.median(p.log_lag_p99_s or float("inf") for _, p in pairs)
        p99 = statistics.median(p.p99_ms for _, p in pairs)
        _target("product/ceiling max sustained throughput", f"{ratio:.2f}", ratio >= 0.8, "≥ 0.80")
        _target("product p99 at its max", f"{p99:.1f} ms", p99 < 100, "< 100 ms")
        _target("log lag p99 at the product's max", f"{lag:.2f} s", lag <= 1.0, "≤ 1 s")
    else:
        print("  no sustained rate found on one of the systems (see the phases above)")
    gap = statistics.median(r.product_moderate.p99_ms - r.ceiling_moderate.p99_ms for r in rounds)
    _target(f"p99 product minus ceiling at {args.moderate:.0f} msg/s", f"{gap:+.1f} ms", gap <= 10,
            "≤ +10 ms")  # fmt: skip
    cpu = statistics.median(
        max(p.generator_cpu for p in (r.ceiling, r.product, r.ceiling_moderate, r.product_moderate)
            if p is not None)
        for r in rounds
    )  # fmt: skip
    _target("generator CPU (busiest phase)", f"{cpu:.0%}", cpu < GENERATOR_CPU_LIMIT, "< 70%")
    if pairs:
        ceiling, product = pairs[-1]
        print("  CPU per message at the maximum (µs): ceiling "
              + _cpu(ceiling) + "; product " + _cpu(product))  # fmt: skip


def _cpu(result: Result) -> str:
    return ", ".join(f"{name} {value:.0f}" for name, value in result.cpu_us_per_message.items())


def _report_idle(idle: IdleResult) -> None:
    if idle.timed:
        rate = idle.logins_per_second
        _target(f"extauth logins/s ({idle.timed} fresh customers, {CONCURRENCY} at a time)",
                f"{rate:.0f}", rate >= 200, "≥ 200")  # fmt: skip
        cpu = ", ".join(f"{name} {value:.0f}" for name, value in idle.cpu_us_per_login.items())
        p50, p99, slowest = idle.login_seconds
        print(f"  login time: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
              f"slowest {slowest * 1000:.0f} ms")  # fmt: skip
        print(f"  CPU per login (µs): {cpu}; generator {idle.generator_cpu:.0%} of a core")
    before, after = idle.rss_before / 2**20, idle.rss_after / 2**20
    print(f"  idle customer connections on one node: {idle.connected} connected, "
          f"{idle.failed} refused; ejabberd RSS {before:.0f} -> {after:.0f} MiB: "
          f"{idle.kib_per_connection:.1f} KiB per connection")  # fmt: skip


def _seconds(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.2f} s"


def _target(name: str, value: str, met: bool, goal: str) -> None:
    print(f"  {name}: {value} (target {goal}: {'met' if met else 'NOT met'})")


def _machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        "unknown CPU",
    )  # fmt: skip
    return f"machine: {os.cpu_count()} cores, {model}; load average {_load()}"


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


async def _main(args: argparse.Namespace) -> None:
    print(_machine())
    systems = start_systems(
        tls=not args.no_tls,
        server_cpus=args.server_cpus,
        product_cpus=args.product_cpus,
        bots=not args.no_bots,
    )
    try:
        pin_self(args.generator_cpus)
        if os.geteuid() == 0:  # ahead of the product's processes where they share a core
            os.nice(GENERATOR_NICENESS)
        await systems.quiet()  # the bots load their model first
        if args.product_rates:
            await _product_only(args, systems)
            return
        if not args.logins_only:
            _report(args, await _measure(args, systems))
        if args.idle:
            await systems.quiet()
            _report_idle(await idle_connections(systems.stack, systems.product_pieces,
                                                systems.tls, args.idle, args.logins))  # fmt: skip
    finally:
        systems.stop()


def main() -> None:
    """Run the benchmark with the command line's options."""
    args = _parser().parse_args()
    _positive(args)
    # libuv's loop and TLS cost the generator about a quarter less CPU per login
    # than asyncio's, on the core it shares with the product's processes.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_main(args))


if __name__ == "__main__":
    main()
