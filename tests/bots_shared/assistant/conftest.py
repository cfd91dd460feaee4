"""Fixtures: the assistant's own stack (fake LLM) with a second bots process beside the first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.assistant_llm_room.conftest import llm_server, stack
from tests.bots_shared.instances import SECOND
from tests.stack import Stack

__all__ = ["llm_server", "stack"]


@pytest.fixture
def two_instances(stack: Stack) -> Iterator[Stack]:
    """Two bots processes with the assistant on; afterwards the first one runs alone again."""
    stack.start(SECOND, "bots")
    yield stack
    if SECOND in stack.processes:
        stack.stop(SECOND)
    if "bots" not in stack.processes:
        stack.start("bots")
