"""Fixtures: the knowledge-base tests' articles in a PostgreSQL of their own, with e5."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.settings import Settings
from tests.knowledge.conftest import embedder, empty_kb, kb, kb_server

__all__ = ["embedder", "empty_kb", "kb", "kb_server"]


@pytest.fixture(scope="session")
def cipher(tmp_path_factory: pytest.TempPathFactory) -> MessageCipher:
    """A message cipher with keys of its own (one for the session, as in a process)."""
    folder: Path = tmp_path_factory.mktemp("keys")
    return MessageCipher(KeyStore.for_messages(Settings(data_dir=folder)))
