"""The load generator against the test stack and a bare ceiling, for a second each.

Not a benchmark (figures on a shared test machine mean little): these runs keep
`make bench`'s code working — logins, rooms, timestamped messages, latency,
CPU per process, log lag, login rate — and check what it reports is true.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import yaml

from bench.load.ceiling import Ceiling, bare_config, start_ceiling
from bench.load.fleet import Connected, bare_fleet, connect, product_fleet
from bench.load.idle import idle_connections
from bench.load.logwatch import LogWatch
from bench.load.phase import Recorder, Result, run_phase
from bench.load.procs import Meter, Piece, find_beam
from bench.load.search import maximum
from bridge.xmpp_server.config import Layout, render_yaml
from bridge.xmpp_server.storage import SqlStorage
from tests.stack import Stack

RATE = 20.0


@pytest.fixture(scope="module")
def ceiling(stack: Stack) -> Iterator[Ceiling]:
    """A bare ejabberd beside the test stack."""
    bare = start_ceiling(stack.settings)
    yield bare
    bare.stop()


@pytest.fixture
async def product(stack: Stack) -> AsyncIterator[tuple[Connected, Recorder]]:
    """Two chats on the product, each with its customer and a supporter logged in and seated."""
    recorder = Recorder()
    people = await connect(await product_fleet(stack, 2, 2), None, recorder.on_message)
    yield people, recorder
    await people.close()


def _pieces(stack: Stack) -> list[Piece]:
    return [
        Piece("ejabberd", find_beam(stack.settings.ejabberd_node)),
        *(Piece(name, process.pid) for name, process in stack.processes.items()),
    ]


async def test_every_message_reaches_the_supporter_and_the_log(
    stack: Stack, product: tuple[Connected, Recorder]
) -> None:
    people, recorder = product
    result = await run_phase(
        people, recorder, lambda: Meter(_pieces(stack)), RATE, 1.0, LogWatch(stack.db)
    )
    assert result.sent == 20
    assert result.delivered == 20
    assert result.sustained(p99_bound_ms=5000)
    assert 0 < result.p50_ms <= result.p99_ms < 5000
    assert result.log_lag_p99_s is not None and result.log_lag_p99_s < 10
    assert result.cpu_us_per_message["ejabberd"] > 0
    assert result.cpu_us_per_message["bridge"] > 0  # the bridge logged them
    assert 0 < result.generator_cpu < 1


async def test_the_bare_ceiling_carries_the_same_load(stack: Stack, ceiling: Ceiling) -> None:
    recorder = Recorder()
    people = await connect(await bare_fleet(ceiling, 2, 2), None, recorder.on_message)
    try:
        result = await run_phase(
            people,
            recorder,
            lambda: Meter([Piece("ejabberd", find_beam(ceiling.settings.ejabberd_node))]),
            RATE,
            1.0,
        )
    finally:
        await people.close()
    assert (result.sent, result.delivered) == (20, 20)
    assert result.log_lag_p99_s is None
    assert set(result.cpu_us_per_message) == {"ejabberd"}


def test_the_ceiling_is_the_products_config_without_the_product(
    stack: Stack, tmp_path: Path
) -> None:
    archive = SqlStorage("127.0.0.1", 5432, "ejabberd", "ejabberd", "secret")
    rendered = render_yaml(
        stack.settings, Layout(tmp_path), tmp_path / "extauth.py", tmp_path / "s", storage=archive
    )
    product = yaml.safe_load(rendered)
    bare = yaml.safe_load(bare_config(rendered))
    assert bare["auth_method"] == "mnesia" and "extauth_program" not in bare
    modules = [listener["module"] for listener in product["listen"]]
    assert [listener["module"] for listener in bare["listen"]] == [
        module for module in modules if module != "ejabberd_service"
    ]
    for same in ("shaper", "shaper_rules", "max_fsm_queue", "certfiles", "modules"):
        assert bare[same] == product[same]  # shapers, MAM back end, MUC room options


async def test_customers_log_in_with_their_tokens_and_stay_connected(stack: Stack) -> None:
    beam = Piece("ejabberd", find_beam(stack.settings.ejabberd_node))
    idle = await idle_connections(stack, [beam], None, 20, 10)
    assert (idle.connected, idle.failed) == (20, 0)
    assert idle.logins_per_second > 0
    p50, p99, slowest = idle.login_seconds
    assert 0 < p50 <= p99 <= slowest < 5
    assert idle.cpu_us_per_login["ejabberd"] > 0
    assert idle.rss_after > 0


def _result(rate: float, ok: bool) -> Result:
    return Result(rate, 100, 100 if ok else 50, rate, 1.0, 2.0, 3.0, {}, 0.1)


@pytest.mark.parametrize(
    ("start", "limit", "tried", "best"),
    [
        (25, 150, [25, 50, 100, 200, 141.4, 168.2, 154.2], 141.4),  # up, then narrowed
        (25, 10, [25, 12.5, 6.25, 8.8, 10.5, 9.6], 9.6),  # down until one holds
        (25, 1, [25, 12.5, 6.25, 3.125], None),  # nothing holds above the floor
    ],
)
async def test_the_maximum_sustained_rate_is_searched_up_or_down(
    start: float, limit: float, tried: list[float], best: float | None
) -> None:
    offered: list[float] = []

    async def run_at(rate: float) -> Result:
        offered.append(rate)
        return _result(rate, rate <= limit)

    found = await maximum(run_at, start, factor=2, cap=1000, floor=2, bound_ms=100)
    failed_twice = [rate for rate in tried for _ in range(1 if rate <= limit else 2)]
    assert [round(rate, 1) for rate in offered] == [round(rate, 1) for rate in failed_twice]
    assert (found.offered_rate if found else None) == (
        None if best is None else pytest.approx(best, abs=0.1)
    )


async def test_a_phase_spoilt_once_does_not_end_the_climb() -> None:
    offered: list[float] = []

    async def run_at(rate: float) -> Result:
        offered.append(rate)
        spoilt = rate == 50 and offered.count(50) == 1  # another user's burst, once
        return _result(rate, rate <= 100 and not spoilt)

    found = await maximum(run_at, 25, factor=2, cap=1000, floor=2, bound_ms=100, refine=0)
    assert offered == [25, 50, 50, 100, 200, 200]
    assert found is not None and found.offered_rate == 100
