"""The embedded PostgreSQL 16 + pgvector server (`pgserver`), kept in the data dir."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import warnings
from pathlib import Path

log = logging.getLogger(__name__)


def embedded_url(data_dir: Path, database: str = "customer_chat") -> str:
    """Start (or attach to) the embedded server and return a URL for one of its databases."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime_dir(data_dir)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    pgdata = (data_dir / "postgres").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
    ensure_database(server.get_uri("postgres"), database)
    return str(server.get_uri(database))


def stop_embedded(data_dir: Path) -> None:
    """Stop the embedded server if it runs, whichever process started it."""
    import pgserver

    pgdata = (data_dir / "postgres").resolve()
    # pgserver keeps a server running while this process holds a handle to it (every
    # embedded_url opens one), and hands out that same handle again: forget it, stop
    # the server with pg_ctl, and the next embedded_url starts it afresh.
    handle = pgserver.PostgresServer._instances.pop(pgdata, None)  # type: ignore[attr-defined]
    if handle is not None:
        atexit.unregister(handle._cleanup)  # it would look for the forgotten handle at exit
    if (pgdata / "postmaster.pid").exists():
        owner = "pgserver" if os.geteuid() == 0 else None  # pgserver's own user when root
        pgserver.pg_ctl(["-w", "stop"], pgdata=pgdata, user=owner)  # type: ignore[attr-defined]


def ensure_database(maintenance_url: str, name: str) -> None:
    """Create the database `name` on the server behind `maintenance_url` if it is missing."""
    import psycopg2
    from psycopg2 import errors, sql

    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                log.info("creating database %s", name)
                # Another process may create it at the same moment: that is fine.
                with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def _runtime_dir(data_dir: Path) -> Path:
    path = (data_dir / "run").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
