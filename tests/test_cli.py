"""The command line against an external PostgreSQL given by CUSTOMER_CHAT_DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bridge.postgres import embedded_url, stop_embedded


@pytest.fixture(scope="module")
def external_database() -> Iterator[tuple[str, Path]]:
    """A PostgreSQL server of its own, reached only through its URL."""
    folder = Path(tempfile.mkdtemp(prefix="customer-chat-external-"))
    yield embedded_url(folder), folder
    stop_embedded(folder)


def cli(
    database: tuple[str, Path], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `customer-chat ARGS` with the external database configured."""
    url, folder = database
    env = {
        **os.environ,
        "CUSTOMER_CHAT_DATABASE_URL": url,
        "CUSTOMER_CHAT_DATA_DIR": str(folder / "data"),
        "CUSTOMER_CHAT_LOG_DIR": str(folder / "logs"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_and_create_staff_on_an_external_server(
    external_database: tuple[str, Path],
) -> None:
    assert cli(external_database, "migrate").stdout.strip() == "database is up to date"
    created = cli(
        external_database,
        "users",
        "create",
        "--email",
        "Ana@Example.com",
        "--role",
        "admin",
        "--display-name",
        "Ana",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert created.stdout.strip() == "created admin ana (ana@example.com)"
    engine = create_engine(external_database[0].replace("postgresql://", "postgresql+psycopg2://"))
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT role, display_name, password_hash FROM users WHERE username = 'ana'")
        ).one()
    engine.dispose()
    assert (row.role, row.display_name) == ("admin", "Ana")
    assert row.password_hash.startswith("$2b$12$")


@pytest.mark.parametrize(
    "args, password, error",
    [
        (
            ["--email", "ana@example.com", "--role", "supporter"],
            "another long password",
            "error: a user with this email or username exists",
        ),
        (
            ["--email", "bo@example.com", "--role", "supporter"],
            "short",
            "error: the password needs at least 8 characters",
        ),
        (
            ["--email", "cy@example.com", "--role", "supporter", "--username", "Bad Name!"],
            "a long enough password",
            "error: usernames use a-z",
        ),
    ],
)
def test_user_creation_mistakes_are_explained(
    external_database: tuple[str, Path], args: list[str], password: str, error: str
) -> None:
    cli(
        external_database,
        "users",
        "create",
        "--email",
        "ana@example.com",
        "--role",
        "supporter",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    result = cli(
        external_database, "users", "create", *args, "--password-stdin", stdin=password + "\n"
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith(error)


def test_unknown_role_and_missing_command_are_usage_errors(
    external_database: tuple[str, Path],
) -> None:
    result = cli(
        external_database,
        "users",
        "create",
        "--email",
        "x@example.com",
        "--role",
        "boss",
        "--password-stdin",
    )
    assert result.returncode == 2 and "invalid choice: 'boss'" in result.stderr
    nothing = cli(external_database)
    assert nothing.returncode == 2 and "usage: customer-chat" in nothing.stdout
