"""A stack of its own with the assistant on (as `make run` has it) and the demo knowledge base.

The shared test stack opens chats straight into the queue; here every new chat
starts with `assistant@`, which answers from `demo/kb/`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import skip_or_fail
from tests.stack import ROOT, Stack, ejabberd_missing_reason, run_cli, start_stack, stop_stack

IMPORT_SECONDS = 600  # 40 articles embedded in well under a minute on a quiet machine


@pytest.fixture(scope="package")
def stack() -> Iterator[Stack]:
    """The stack with the demo knowledge base imported and the bots process serving."""
    reason = ejabberd_missing_reason()
    if reason:
        skip_or_fail(reason)
    running = start_stack(assistant=True)
    try:
        imported = run_cli(
            running, "kb", "import", str(ROOT / "demo" / "kb"), timeout=IMPORT_SECONDS
        )
        assert "chunks embedded" in imported.stdout, imported.stdout + imported.stderr
        running.start("bots")
        yield running
    finally:
        stop_stack(running)
