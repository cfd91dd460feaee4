"""`make run` loads the demo knowledge base once, in the background."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bridge import demo
from bridge.db import Database
from bridge.settings import Settings
from tests.knowledge.conftest import ARTICLES


def test_an_empty_knowledge_base_gets_the_demo_articles_once(
    empty_kb: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "DEMO_KB", tmp_path / "missing")
    assert not empty_kb.run_sync(demo.needs_knowledge_base)
    monkeypatch.setattr(demo, "DEMO_KB", ARTICLES)
    assert empty_kb.run_sync(demo.needs_knowledge_base)
    env = {
        **os.environ,
        "CUSTOMER_CHAT_DATABASE_URL": empty_kb.engine.url.render_as_string(hide_password=False),
        "CUSTOMER_CHAT_DATA_DIR": str(tmp_path / "data"),
        "CUSTOMER_CHAT_LOG_DIR": str(tmp_path),
        "CUSTOMER_CHAT_EMBEDDER": "use-m3",  # the fast one: only the import is checked here
    }
    log = tmp_path / "kb-import.log"
    assert demo.import_knowledge_base(env, log).wait(timeout=300) == 0
    assert "imported 6 articles (6 created, 0 updated, 0 unchanged)" in log.read_text()
    assert not empty_kb.run_sync(demo.needs_knowledge_base)


def test_the_welcome_says_the_knowledge_base_is_on_its_way() -> None:
    text = demo.welcome(Settings(), None, importing=True)
    assert "Knowledge base: the demo articles are being imported" in text
    assert "being imported" not in demo.welcome(Settings(), None)
    assert "/console/kb" in text  # the editor's address, always
