"""Fixtures: the trained stack with two bots processes sharing its rooms."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.bots_shared.instances import SECOND
from tests.faults.conftest import open_pairs
from tests.stack import Stack
from tests.suggestions.conftest import empty, server_folder, suggesting

__all__ = ["empty", "open_pairs", "server_folder", "suggesting"]


@pytest.fixture
def start_second(suggesting: Stack) -> Iterator[Callable[[], None]]:
    """Starts a second `customer-chat bots` beside the one `suggesting` started.

    Afterwards the second is stopped and the first runs again (a test may kill either).
    """
    yield lambda: suggesting.start(SECOND, "bots")
    if SECOND in suggesting.processes:
        suggesting.stop(SECOND)
    if "bots" not in suggesting.processes:
        suggesting.start("bots")


@pytest.fixture
def two_instances(suggesting: Stack, start_second: Callable[[], None]) -> Stack:
    """The stack with two bots processes from the start."""
    start_second()
    return suggesting
