"""The embedded PostgreSQL 16 + pgvector server (`pgserver`), kept in the data dir."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pgserver.utils import PostmasterInfo

log = logging.getLogger(__name__)

TCP_HOST = "127.0.0.1"
# Local processes keep the socket's trust; TCP (ejabberd's driver) needs a password.
HBA = "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"


def embedded_url(
    data_dir: Path, database: str = "customer_chat", *, server: str = "postgres", tcp: bool = False
) -> str:
    """Start (or attach to) an embedded server and return a URL for one of its databases.

    `server` names its folder in the data dir; with `tcp` it also listens on
    127.0.0.1 (password logins only there).
    """
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime_dir(data_dir)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver.postgres_server import PostgresServer

    pgdata = (data_dir / server).resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if not _running(pgdata):  # stopped since this process last attached: start it afresh
        PostgresServer._instances.pop(pgdata, None)
    handle = pgserver.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
    info = _serving_tcp(pgdata, handle.system_user) if tcp else _postmaster(pgdata)
    ensure_database(_url(info, "postgres"), database)
    return _url(info, database)


def stop_embedded(data_dir: Path, *, server: str = "postgres") -> None:
    """Stop an embedded server if it runs."""
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # made at import

    pgdata = (data_dir / server).resolve()
    if _running(pgdata):
        # pg_ctl itself: pgserver's own handle does not stop a server it attached to.
        pg_ctl(["-w", "stop"], pgdata=pgdata, user=_system_user(), timeout=60)


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


def _serving_tcp(pgdata: Path, system_user: str | None) -> PostmasterInfo:
    """The server's postmaster info once it also listens on 127.0.0.1 (restarted once for it).

    pgserver listens on a unix socket only, but ejabberd's PostgreSQL driver
    (`erlang-p1-pgsql`) speaks TCP only. The port is chosen once and kept in
    `postgresql.auto.conf`, so ejabberd's rendered config stays right across
    restarts of the server.
    """
    import psycopg2
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # made at import

    info = _postmaster(pgdata)
    if info.hostname:
        return info
    if info.port == 5432:  # the default: never claim it, every embedded server would
        connection = psycopg2.connect(_url(info, "postgres"))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER SYSTEM SET port = {_free_port()}")
        finally:
            connection.close()
    (pgdata / "pg_hba.conf").write_text(HBA)
    log.info("restarting the embedded PostgreSQL to listen on %s", TCP_HOST)
    options = ["-o", f"-h {TCP_HOST}", "-o", f"-k {info.socket_dir}", "-l", str(pgdata / "log")]
    pg_ctl(["-w", *options, "restart"], pgdata=pgdata, user=system_user, timeout=60)
    return _postmaster(pgdata)


def _postmaster(pgdata: Path) -> PostmasterInfo:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None:
        raise RuntimeError(f"the embedded PostgreSQL in {pgdata} is not running")
    return info


def _running(pgdata: Path) -> bool:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info is not None and info.is_running()


def _url(info: PostmasterInfo, database: str) -> str:
    # The socket's name carries the port, so the URL must name it too.
    return f"postgresql://postgres:@/{database}?host={info.socket_dir}&port={info.port}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((TCP_HOST, 0))
        return int(probe.getsockname()[1])


def _system_user() -> str | None:
    # As root, pgserver runs the server as its own `pgserver` user.
    return "pgserver" if os.geteuid() == 0 else None


def _runtime_dir(data_dir: Path) -> Path:
    path = (data_dir / "run").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
