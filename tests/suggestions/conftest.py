"""Fixtures: a PostgreSQL of the suggestions tests' own (live and archive database).

No ejabberd and no api: training reads the archive and writes model versions,
nothing else. The databases are fresh, so the archive holds exactly the
synthetic chats these tests import. With CUSTOMER_CHAT_DATABASE_URL set, they
are new databases on that server.

`suggesting` is the other way: the whole test stack with a model trained on the
same chats and the bots process serving it (also used by the console's browser
tests, which import it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bridge import migrate
from bridge.archive.importer import import_file
from bridge.db import Database, make_engine
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.postgres import embedded_url, ensure_database, stop_embedded
from bridge.settings import Settings
from tests.stack import ROOT, Stack, run_cli
from tests.suggestions.archive import write_archive

BATTERY = "Bitte laden Sie den Akku einmal vollständig auf und starten Sie das Display neu."
"""The answer the trained model puts first for a battery that does not charge."""


@dataclass
class Databases:
    """The live and archive databases and the settings (as variables) that reach them."""

    env: dict[str, str]
    settings: Settings
    live: Database
    archive: Database

    @property
    def archive_cipher(self) -> MessageCipher:
        """Opens the archive's message bodies."""
        return MessageCipher(KeyStore.for_archive(self.settings))

    def cli(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `customer-chat ARGS` against these databases."""
        return subprocess.run(
            [sys.executable, "-m", "bridge.cli", *args],
            env={**os.environ, **self.env, **env}, cwd=ROOT,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip


def _fresh(folder: Path, name: str) -> str:
    external = os.environ.get("CUSTOMER_CHAT_DATABASE_URL")
    if not external:
        return embedded_url(folder, name)
    url = make_url(external)
    ensure_database(url.set(database="postgres").render_as_string(hide_password=False), name)
    return url.set(database=name).render_as_string(hide_password=False)


def _open(folder: Path, name: str) -> Databases:
    env = {
        "CUSTOMER_CHAT_DATA_DIR": str(folder / "data"),
        "CUSTOMER_CHAT_LOG_DIR": str(folder / "logs"),
        "CUSTOMER_CHAT_DATABASE_URL": _fresh(folder, name),
        "CUSTOMER_CHAT_ARCHIVE_DATABASE_URL": _fresh(folder, f"{name}_archive"),
    }
    settings = Settings(
        data_dir=folder / "data",
        database_url=env["CUSTOMER_CHAT_DATABASE_URL"],
        archive_database_url=env["CUSTOMER_CHAT_ARCHIVE_DATABASE_URL"],
    )
    live, archive = make_engine(settings), make_engine(settings, archive=True)
    migrate.upgrade(live, settings)
    migrate.upgrade(archive, settings, archive=True)
    return Databases(env, settings, Database(live), Database(archive))


@pytest.fixture(scope="session")
def server_folder() -> Iterator[Path]:
    """A folder for the embedded server (unused with an external one)."""
    folder = Path(tempfile.mkdtemp(prefix="customer-chat-suggest-"))
    yield folder
    stop_embedded(folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def archived(server_folder: Path) -> Databases:
    """Databases whose archive holds the synthetic bike-leasing chats, imported for real."""
    databases = _open(server_folder, f"suggest_{uuid.uuid4().hex[:8]}")
    path = server_folder / "archive.jsonl"
    write_archive(path)
    report = import_file(path, databases.archive, databases.archive_cipher)
    assert report.errors == []
    return databases


@pytest.fixture
def empty(server_folder: Path) -> Databases:
    """Databases with an empty archive."""
    return _open(server_folder, f"suggest_{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
def suggesting(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The stack with a trained model and the bots process running."""
    archive = tmp_path_factory.mktemp("archive") / "chats.jsonl"
    write_archive(archive)
    run_cli(stack, "archive", "import", str(archive))
    trained = run_cli(stack, "suggestions", "train")
    assert "model version" in trained.stdout, trained.stdout + trained.stderr
    stack.start("bots")
    yield stack
    stack.stop("bots")
