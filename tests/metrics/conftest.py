"""Fixtures: a stack of its own with the assistant on, one article, a suggestion model, the bots.

Its chats start with the assistant (so handoffs happen), the knowledge base is the
demo's theft article alone (quick to embed), and `suggesting` (shared with the
suggestion tests) trains a model on the synthetic archive and starts the bots.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.assistant_llm_room.conftest import THEFT_ARTICLE
from tests.conftest import import_articles, own_stack
from tests.stack import Stack
from tests.suggestions.conftest import suggesting

__all__ = ["suggesting"]


@pytest.fixture(scope="package")
def stack() -> Iterator[Stack]:
    """The stack with the assistant on and the theft article in the knowledge base."""
    with own_stack(assistant=True) as running:
        import_articles(running, THEFT_ARTICLE)
        yield running


class Scrape:
    """One scrape of `/metrics`, parsed as Prometheus parses it."""

    def __init__(self, text: str) -> None:
        self.samples = {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def value(self, name: str, **labels: str) -> float:
        """A sample's value; a missing sample fails the test with its name."""
        key = (name, tuple(sorted(labels.items())))
        assert key in self.samples, f"{name}{labels} is not in the scrape"
        return self.samples[key]


def scrape(stack: Stack, **headers: str) -> Scrape:
    """GET /metrics as Prometheus on this machine would."""
    answer = httpx.get(f"{stack.api}/metrics", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return Scrape(answer.text)
