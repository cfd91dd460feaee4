"""A stack of its own set up as `make run` sets it up: the assistant on, demo data loaded.

The demo knowledge base is imported and a suggestion model trained on the demo
archive, at the same time as `make run` does; then the bots process serves both
bots. The shared test stack keeps chats going straight to the queue and the small
synthetic archive other suggestion tests expect their model to learn from, so
these tests get a stack of their own (its own ejabberd and PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bridge.demo import import_knowledge_base, train_suggestions
from tests.conftest import own_stack
from tests.stack import Stack

PREPARING_SECONDS = 900  # both take about a minute each on a quiet machine


@pytest.fixture(scope="package")
def stack() -> Iterator[Stack]:
    """The demo stack: knowledge base and model as `make run` has them, bots serving."""
    with own_stack(assistant=True) as running:
        env = {**os.environ, **running.env}
        logs = running.settings.data_dir
        training = train_suggestions(env, logs / "suggestions-train.log")
        importing = import_knowledge_base(env, logs / "kb-import.log")
        assert importing.wait(timeout=PREPARING_SECONDS) == 0, (logs / "kb-import.log").read_text()
        assert training.wait(timeout=PREPARING_SECONDS) == 0, (
            logs / "suggestions-train.log"
        ).read_text()
        assert "model version 1" in (logs / "suggestions-train.log").read_text()
        running.start("bots")
        yield running
