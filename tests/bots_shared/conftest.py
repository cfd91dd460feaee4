"""Fixtures: the trained stack with two bots processes sharing its rooms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.conftest import open_pairs
from tests.stack import Stack
from tests.suggestions.conftest import suggesting

__all__ = ["open_pairs", "suggesting"]

SECOND = "bots-2"


@pytest.fixture
def two_instances(suggesting: Stack) -> Iterator[Stack]:
    """The stack with a second `customer-chat bots` beside the one `suggesting` started.

    Afterwards the second is stopped and the first runs again (a test may kill either).
    """
    suggesting.start(SECOND, "bots")
    yield suggesting
    if SECOND in suggesting.processes:
        suggesting.stop(SECOND)
    if "bots" not in suggesting.processes:
        suggesting.start("bots")
