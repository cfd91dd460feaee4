"""Fixtures: the knowledge-base articles in a PostgreSQL of their own, e5, and a fake LLM."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import OpenAI

from bots.assistant.confidence import DEFAULT
from bots.assistant.llm import Breaker, Llm
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.settings import Settings
from tests.fakes.openai_server import FakeOpenAI, base_url, fake_openai
from tests.knowledge.conftest import embedder, empty_kb, kb, kb_server

__all__ = ["embedder", "empty_kb", "kb", "kb_server"]

# Answers whatever retrieval finds: for tests of what happens once the LLM is asked.
ALWAYS_ANSWER = dataclasses.replace(DEFAULT, threshold=0.0)


@pytest.fixture(scope="session")
def cipher(tmp_path_factory: pytest.TempPathFactory) -> MessageCipher:
    """A message cipher with keys of its own (one for the session, as in a process)."""
    folder: Path = tmp_path_factory.mktemp("keys")
    return MessageCipher(KeyStore.for_messages(Settings(data_dir=folder)))


@pytest.fixture
def llm_server() -> Iterator[FakeOpenAI]:
    """A local server playing the remote LLM."""
    with fake_openai() as server:
        yield server


def connect(
    server: FakeOpenAI,
    *,
    timeout: float = 10.0,
    retries: int = 0,
    breaker: Breaker | None = None,
    secrets: tuple[str, ...] = (),
) -> Llm:
    """The assistant's LLM client, talking to the fake server."""
    client = OpenAI(base_url=base_url(server), api_key="sk-test-key-0123456789abcdef")
    return Llm(
        client, model="fake", timeout=timeout, retries=retries, breaker=breaker, secrets=secrets
    )
