"""A stack of its own with `make run`'s demo data: the demo archive imported, a model trained.

The shared test stack keeps the small synthetic archive other suggestion tests
expect their model to learn from; the demo archive would change what it suggests,
so these tests get a stack of their own (its own ejabberd and PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bridge.demo import train_suggestions
from tests.conftest import skip_or_fail
from tests.stack import Stack, ejabberd_missing_reason, start_stack, stop_stack

TRAINING_SECONDS = 600  # the demo archive trains in about a minute on a quiet machine


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    """The demo stack: trained as `make run` trains it, with the bots process serving."""
    reason = ejabberd_missing_reason()
    if reason:
        skip_or_fail(reason)
    running = start_stack()
    try:
        log = running.settings.data_dir / "suggestions-train.log"
        training = train_suggestions({**os.environ, **running.env}, log)
        assert training.wait(timeout=TRAINING_SECONDS) == 0, log.read_text()
        assert "model version 1" in log.read_text()
        running.start("bots")
        yield running
    finally:
        stop_stack(running)
