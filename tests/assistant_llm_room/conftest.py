"""A stack of its own whose assistant writes with an LLM: the local fake OpenAI server.

The knowledge base is the demo's theft article alone: enough to be answered from,
quick to embed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import import_articles, own_stack
from tests.fakes.openai_server import FakeOpenAI, base_url, fake_openai
from tests.stack import ROOT, Stack

THEFT_ARTICLE = ROOT / "demo" / "kb" / "theft-de.md"


@pytest.fixture(scope="package")
def llm_server() -> Iterator[FakeOpenAI]:
    """The fake LLM the assistant of this stack writes with."""
    with fake_openai() as server:
        yield server


@pytest.fixture(scope="package")
def stack(llm_server: FakeOpenAI) -> Iterator[Stack]:
    """The stack with the assistant on, one article, and the bots process asking the fake LLM."""
    with own_stack(assistant=True) as running:
        import_articles(running, THEFT_ARTICLE)
        running.env |= {
            "CUSTOMER_CHAT_LLM_BASE_URL": base_url(llm_server),
            "CUSTOMER_CHAT_LLM_API_KEY": "test-key",
            "CUSTOMER_CHAT_LLM_TIMEOUT_SECONDS": "5",
        }
        running.start("bots")
        yield running
