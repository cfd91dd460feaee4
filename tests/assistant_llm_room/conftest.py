"""A stack of its own whose assistant writes with an LLM: the local fake OpenAI server.

The knowledge base is the demo's theft article alone: enough to be answered from,
quick to embed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import skip_or_fail
from tests.fakes.openai_server import FakeOpenAI, base_url, fake_openai
from tests.stack import ROOT, Stack, ejabberd_missing_reason, run_cli, start_stack, stop_stack

THEFT_ARTICLE = ROOT / "demo" / "kb" / "theft-de.md"


@pytest.fixture(scope="package")
def llm_server() -> Iterator[FakeOpenAI]:
    """The fake LLM the assistant of this stack writes with."""
    with fake_openai() as server:
        yield server


@pytest.fixture(scope="package")
def stack(llm_server: FakeOpenAI) -> Iterator[Stack]:
    """The stack with the assistant on, one article, and the bots process asking the fake LLM."""
    reason = ejabberd_missing_reason()
    if reason:
        skip_or_fail(reason)
    running = start_stack(assistant=True)
    try:
        imported = run_cli(running, "kb", "import", str(THEFT_ARTICLE), timeout=300)
        assert "chunks embedded" in imported.stdout, imported.stdout + imported.stderr
        running.env |= {
            "CUSTOMER_CHAT_LLM_BASE_URL": base_url(llm_server),
            "CUSTOMER_CHAT_LLM_API_KEY": "test-key",
            "CUSTOMER_CHAT_LLM_TIMEOUT_SECONDS": "5",
        }
        running.start("bots")
        yield running
    finally:
        stop_stack(running)
