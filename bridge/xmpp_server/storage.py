"""ejabberd's SQL storage (the MAM archives of rooms and users) in PostgreSQL.

A room reflects a message only once the archive has stored it (that is how it
gets its stanza-id), so delivery depends on ejabberd's database: it is kept
apart from the product's. With the embedded (or any socket-reached) product
database, ejabberd gets its own embedded server in `DATA_DIR/ejabberd-postgres`,
listening on 127.0.0.1 (ejabberd's driver, `erlang-p1-pgsql`, speaks TCP only)
with a role and password of its own; restarting the product's server then
never pauses chatting. With a configured server: `CUSTOMER_CHAT_EJABBERD_DATABASE_URL`,
or else `<live database>_ejabberd` beside the live database. ejabberd's schema
(`/usr/share/ejabberd/sql/pg.sql`) is loaded on the first start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql
from sqlalchemy import URL, make_url

from bridge.postgres import TCP_HOST, embedded_url, ensure_database, stop_embedded
from bridge.settings import Settings, read_or_create_secret

SCHEMA = Path("/usr/share/ejabberd/sql/pg.sql")
ROLE = "ejabberd"
DATABASE = "ejabberd"
EMBEDDED = "ejabberd-postgres"


class StorageError(RuntimeError):
    """ejabberd's database cannot be prepared as configured."""


@dataclass(frozen=True)
class SqlStorage:
    """How ejabberd reaches its database (the `sql_*` options)."""

    host: str
    port: int
    database: str
    username: str
    password: str

    @property
    def url(self) -> str:
        """The same as a libpq URL (password included)."""
        return URL.create(
            "postgresql",
            username=self.username,
            password=self.password,
            host=self.host,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)


def prepare(settings: Settings) -> SqlStorage:
    """Create ejabberd's database (and role, when embedded) and schema; say how to reach it."""
    if settings.ejabberd_database_url:
        storage = _from_url(make_url(settings.ejabberd_database_url), "EJABBERD_DATABASE_URL")
    elif settings.database_url is None or _over_socket(make_url(settings.database_url)):
        storage = _embedded(settings.data_dir)
    else:
        live = make_url(settings.database_url)
        storage = _from_url(live.set(database=f"{live.database}_ejabberd"), "DATABASE_URL")
        ensure_database(live.set(database="postgres").render_as_string(False), storage.database)
    _load_schema(storage)
    return storage


def stop(settings: Settings) -> None:
    """Stop ejabberd's embedded server, if it runs (after the last node stopped)."""
    stop_embedded(settings.data_dir, server=EMBEDDED)


def _over_socket(url: URL) -> bool:
    host = url.query.get("host") or url.host or ""
    return not url.host or str(host).startswith("/")


def _from_url(url: URL, setting: str) -> SqlStorage:
    if _over_socket(url) or not url.username or not url.database:
        raise StorageError(
            f"CUSTOMER_CHAT_{setting}: ejabberd needs a TCP host, a user and a database "
            "in the URL (its PostgreSQL driver cannot use a unix socket)"
        )
    return SqlStorage(
        url.host or "", url.port or 5432, url.database, url.username, url.password or ""
    )


def _embedded(data_dir: Path) -> SqlStorage:
    """ejabberd's own embedded server, its role and database."""
    url = make_url(embedded_url(data_dir, DATABASE, server=EMBEDDED, tcp=True))
    password = read_or_create_secret(data_dir / "secrets" / "ejabberd-sql")
    connection = psycopg2.connect(url.render_as_string(False))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,))
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            statement = sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}")
            cursor.execute(statement.format(sql.Identifier(ROLE), sql.Literal(password)))
            cursor.execute(
                sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                    sql.Identifier(DATABASE), sql.Identifier(ROLE)
                )
            )
    finally:
        connection.close()
    return SqlStorage(TCP_HOST, int(str(url.query["port"])), DATABASE, ROLE, password)


def _schema(storage: SqlStorage) -> str:
    if not SCHEMA.exists():
        raise StorageError(
            f"ejabberd's schema {SCHEMA} is missing: install Debian's ejabberd here, or load "
            f"ejabberd's sql/pg.sql into the database {storage.database} once"
        )
    return SCHEMA.read_text()


def _load_schema(storage: SqlStorage) -> None:
    """Create ejabberd's tables once, as the user ejabberd connects as (so it owns them)."""
    connection = psycopg2.connect(storage.url)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('archive') IS NOT NULL")
            if not cursor.fetchone()[0]:  # type: ignore[index]
                cursor.execute("SELECT pg_advisory_xact_lock(7261002)")  # two nodes start together
                cursor.execute("SELECT to_regclass('archive') IS NOT NULL")
                if not cursor.fetchone()[0]:  # type: ignore[index]
                    cursor.execute(_schema(storage))
    finally:
        connection.close()
