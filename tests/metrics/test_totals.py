"""The shared totals: buckets, sums, the collector's cumulative view and the recorder's flush."""

from __future__ import annotations

import math

from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import create_engine

from bridge.db import Database
from bridge.metrics import repository
from bridge.metrics.catalog import EXTAUTH, Histogram
from bridge.metrics.collector import TotalsCollector, _histogram
from bridge.metrics.recorder import Recorder
from bridge.metrics.repository import Snapshot
from bridge.metrics.totals import Totals
from tests.metrics.conftest import Scrape
from tests.stack import Stack, free_port

PROBE = Histogram("customer_chat_probe_seconds", "A histogram only these tests use", (0.1, 1.0))


def _unreachable() -> Database:
    return Database(create_engine(f"postgresql+psycopg2://nobody@127.0.0.1:{free_port()}/none"))


def test_an_observation_lands_in_the_first_bucket_that_holds_it() -> None:
    totals = Totals()
    for seconds in (0.05, 0.1, 0.5, 7.0, -0.2):  # -0.2: a clock a little ahead counts as 0
        totals.observe(PROBE, seconds)
    assert dict(totals.buckets) == {
        (PROBE.name, 0.1): 3,
        (PROBE.name, 1.0): 1,
        (PROBE.name, math.inf): 1,
    }
    assert totals.counters["customer_chat_probe_seconds_sum"] == 7.65


def test_buckets_are_shown_cumulative_whatever_bounds_were_stored() -> None:
    stored = {0.01: 2, 0.03: 1, 0.1: 4, math.inf: 1}  # 0.03: a bound an older release used
    snapshot = Snapshot({"customer_chat_extauth_seconds_sum": 1.5}, {EXTAUTH.name: stored}, {})
    samples = {
        sample.labels.get("le", sample.name): sample.value
        for sample in _histogram(EXTAUTH, snapshot).samples
    }
    assert samples["0.01"] == 2
    assert samples["0.025"] == 2
    assert samples["0.05"] == 3
    assert samples["0.1"] == 7
    assert samples["+Inf"] == 8
    assert samples["customer_chat_extauth_seconds_count"] == 8
    assert samples["customer_chat_extauth_seconds_sum"] == 1.5


def test_without_the_database_the_scrape_says_so_instead_of_failing() -> None:
    registry = CollectorRegistry()
    registry.register(TotalsCollector(_unreachable().engine))
    metrics = Scrape(generate_latest(registry).decode())
    assert metrics.samples == {("customer_chat_metrics_database_up", ()): 0.0}


async def test_observations_wait_through_an_outage_and_are_saved_once(stack: Stack) -> None:
    recorder = Recorder()
    recorder.observe(PROBE, 0.05)
    with recorder.timed(PROBE):
        pass
    await recorder.flush(_unreachable())  # kept for the next flush
    recorder.observe(PROBE, 3.0)
    before = stack.db.run_sync(repository.snapshot).buckets.get(PROBE.name, {})
    await recorder.flush(stack.db)
    await recorder.flush(stack.db)  # nothing new: nothing added twice
    after = stack.db.run_sync(repository.snapshot).buckets[PROBE.name]
    assert after[0.1] - before.get(0.1, 0) == 2
    assert after[math.inf] - before.get(math.inf, 0) == 1
