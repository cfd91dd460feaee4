"""ejabberd's archives in PostgreSQL, apart from the product's database."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql
from sqlalchemy import text

from bridge.postgres import embedded_url
from bridge.settings import Settings
from bridge.xmpp_server import storage
from bridge.xmpp_server.storage import StorageError
from tests.conftest import InChat, report
from tests.stack import Stack


def archived_bodies(target: storage.SqlStorage, room: str) -> list[str]:
    """The bodies ejabberd archived for a room, oldest first, read with ejabberd's credentials."""
    connection = psycopg2.connect(target.url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT txt FROM archive WHERE username = %s AND txt <> '' ORDER BY timestamp",
                (room,),
            )
            return [str(row[0]) for row in cursor.fetchall()]
    finally:
        connection.close()


async def test_a_rooms_messages_are_archived_in_ejabberds_postgresql(
    stack: Stack, customer_in_chat: Callable[..., Awaitable[InChat]]
) -> None:
    ria = await customer_in_chat("Ria")
    for body in ("Mein Akku lädt nicht", "Seit gestern", "Können Sie helfen?"):
        ria.client.say(ria.room, body)
    await ria.client.wait_for(lambda: ria.own_reflected() == 3)

    target = storage.prepare(stack.settings)  # a second start finds everything in place
    archived = archived_bodies(target, ria.room)
    assert archived[-3:] == ["Mein Akku lädt nicht", "Seit gestern", "Können Sie helfen?"]
    history = await ria.client.history(ria.room)  # MAM answers from that table
    assert [seen.body for seen in history][-3:] == archived[-3:]


def test_ejabberds_tables_are_not_in_the_products_database(stack: Stack) -> None:
    target = storage.prepare(stack.settings)
    with stack.db.engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('archive')")).scalar() is None
        port = conn.execute(text("SHOW port")).scalar()
    assert int(str(port)) != target.port  # another server: restarting ours never pauses chats


def test_a_configured_url_is_used_as_it_is(stack: Stack) -> None:
    embedded = storage.prepare(stack.settings)
    configured = stack.settings.model_copy(update={"ejabberd_database_url": embedded.url})
    assert storage.prepare(configured) == embedded


def test_beside_a_live_database_over_tcp_ejabberd_gets_its_own_database(stack: Stack) -> None:
    """Production without a URL of its own: ejabberd's database is `<live>_ejabberd` there."""
    server = storage.prepare(stack.settings)  # a server that takes password logins over TCP
    live, password = f"live_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin = psycopg2.connect(embedded_url(stack.settings.data_dir, server=storage.EMBEDDED))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            name = sql.Identifier(live)
            create_role = sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}")
            cursor.execute(create_role.format(name, sql.Literal(password)))
            cursor.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(name, name))
    finally:
        admin.close()
    url = f"postgresql://{live}:{password}@{server.host}:{server.port}/{live}"
    settings = stack.settings.model_copy(update={"database_url": url})

    prepared = storage.prepare(settings)
    assert (prepared.database, prepared.username) == (f"{live}_ejabberd", live)
    assert archived_bodies(prepared, "any room") == []  # ejabberd's tables, readable as it
    assert storage.prepare(settings) == prepared  # a second start finds everything in place


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ejabberd:pw@/ejabberd?host=/var/run/postgresql",
        "postgresql://db.internal:5432/ejabberd",
        "postgresql://ejabberd:pw@db.internal:5432",
    ],
)
def test_a_url_ejabberd_cannot_use_is_refused_clearly(url: str) -> None:
    settings = Settings(ejabberd_database_url=url)
    with pytest.raises(StorageError, match="needs a TCP host, a user and a database"):
        storage.prepare(settings)


def test_a_missing_ejabberd_schema_file_is_named(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = f"fresh_{uuid.uuid4().hex[:8]}"
    embedded_url(stack.settings.data_dir, fresh, server=storage.EMBEDDED, tcp=True)
    url = storage.prepare(stack.settings).url.rsplit("/", 1)[0] + f"/{fresh}"
    monkeypatch.setattr(storage, "SCHEMA", tmp_path / "pg.sql")
    with pytest.raises(StorageError, match=r"pg\.sql is missing: install Debian's ejabberd"):
        storage.prepare(stack.settings.model_copy(update={"ejabberd_database_url": url}))


async def test_rooms_hold_messages_while_ejabberds_database_restarts_and_lose_none(
    stack: Stack, customer_in_chat: Callable[..., Awaitable[InChat]]
) -> None:
    ole = await customer_in_chat("Ole")
    ole.client.say(ole.room, "vorher")
    await ole.client.wait_for(lambda: ole.own_reflected() == 1)

    await asyncio.to_thread(storage.stop, stack.settings)
    during = [f"während {i:02d}" for i in range(10)]
    for body in during:
        ole.client.say(ole.room, body)
    await asyncio.sleep(2)
    held = ole.own_reflected() - 1
    started = time.monotonic()
    await asyncio.to_thread(storage.prepare, stack.settings)  # starts it again, same port
    await ole.client.wait_for(lambda: ole.own_reflected() == 1 + len(during), timeout=30)
    report(
        f"ejabberd's database restarted: {len(during)} sent, {held} reflected while it was down, "
        f"all reflected {time.monotonic() - started:.1f} s after it was back"
    )
    assert held == 0  # a room reflects only what its archive has stored
    mine = [m for m in ole.client.room_messages if m.nick == ole.name]
    assert [m.body for m in mine] == ["vorher", *during]
    assert all(m.stanza_id for m in mine)
    history = await ole.client.history(ole.room, after=mine[0].stanza_id)
    assert [seen.body for seen in history] == during
