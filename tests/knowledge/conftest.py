"""Fixtures: knowledge bases in a PostgreSQL of these tests' own, embedded with e5.

e5 is the embedder the product uses by default, so what these tests find is
what supporters would find. `kb` holds the small articles in `articles/`,
imported and indexed once per module; tests that change articles write their
own, or use `empty_kb`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bots.embedding import E5Embedder, Embedder
from bots.knowledge.command import import_all
from bots.knowledge.files import read_path
from bots.knowledge.indexer import index_stale
from bridge import migrate
from bridge.db import Database, make_engine
from bridge.postgres import embedded_url, ensure_database, stop_embedded
from bridge.settings import Settings

ARTICLES = Path(__file__).parent / "articles"


@pytest.fixture(scope="session")
def kb_server() -> Iterator[Path]:
    """A folder for the embedded server (unused with an external one)."""
    folder = Path(tempfile.mkdtemp(prefix="customer-chat-kb-"))
    yield folder
    stop_embedded(folder)
    shutil.rmtree(folder, ignore_errors=True)


def fresh_database(folder: Path) -> Database:
    """A new, migrated live database on the tests' server."""
    name = f"kb_{uuid.uuid4().hex[:8]}"
    external = os.environ.get("CUSTOMER_CHAT_DATABASE_URL")
    if external:
        url = make_url(external)
        ensure_database(url.set(database="postgres").render_as_string(hide_password=False), name)
        address = url.set(database=name).render_as_string(hide_password=False)
    else:
        address = embedded_url(folder, name)
    settings = Settings(data_dir=folder / "data", database_url=address)
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    return Database(engine)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The product's default embedder."""
    return E5Embedder()


@pytest.fixture
def empty_kb(kb_server: Path) -> Iterator[Database]:
    """A knowledge base without articles."""
    db = fresh_database(kb_server)
    yield db
    db.engine.dispose()


@pytest.fixture(scope="module")
def kb(kb_server: Path, embedder: Embedder) -> Iterator[Database]:
    """A knowledge base holding the articles in `articles/`, indexed."""
    db = fresh_database(kb_server)
    read = read_path(ARTICLES)
    assert read.errors == []
    db.run_sync(import_all, read.articles)
    index_stale(db, embedder)
    yield db
    db.engine.dispose()
