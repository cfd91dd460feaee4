"""Archiving: ended chats move to their own database exactly once, even when killed."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Connection, func, select

from bridge.accounts import repository as accounts
from bridge.archive.service import open_archive
from bridge.archive.tables import archived_chats, archived_messages
from bridge.chats import repository as chats
from bridge.chats.states import Status
from bridge.db import Database, archive_database_url
from bridge.messages import repository as messages
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.messages.repository import LoggedMessage
from tests.conftest import InChat, Person, eventually
from tests.stack import ROOT, Stack, pg_dump, run_cli

StartChat = Callable[..., Awaitable[InChat]]


def _ended_chats(stack: Stack, count: int, messages_each: int) -> list[uuid.UUID]:
    """Ended chats written straight into the live database (their rooms never existed)."""
    cipher = MessageCipher(KeyStore.for_messages(stack.settings))
    long_ago = datetime.now(UTC) - timedelta(days=30)

    def write(conn: Connection) -> list[uuid.UUID]:
        customer = accounts.create(conn, display_name="Old customer", role="user")
        ids = []
        for number in range(count):
            chat_id = chats.insert_chat(
                conn,
                room_service=stack.settings.muc_service,
                customer_id=customer.id,
                status=Status.ENDED,
                subject=f"old chat {number}",
            )
            chats.update_chat(conn, chat_id, ended_at=long_ago)
            messages.insert_many(
                conn,
                [
                    LoggedMessage(
                        chat_id,
                        f"{n:06d}",
                        None,
                        f"{customer.id}@x",
                        "Old customer",
                        "customer",
                        f"old message {n}",
                        long_ago + timedelta(seconds=n),
                    )
                    for n in range(messages_each)
                ],
                cipher,
            )
            ids.append(chat_id)
        return ids

    return stack.db.run_sync(write)


def _archived(archive: Database, ids: list[uuid.UUID]) -> tuple[int, int]:
    def count(conn: Connection) -> tuple[int, int]:
        chats_found = conn.execute(
            select(func.count()).select_from(archived_chats).where(archived_chats.c.id.in_(ids))
        ).scalar_one()
        messages_found = conn.execute(
            select(func.count())
            .select_from(archived_messages)
            .where(archived_messages.c.chat_id.in_(ids))
        ).scalar_one()
        return int(chats_found), int(messages_found)

    return archive.run_sync(count)


def _live(stack: Stack, ids: list[uuid.UUID]) -> int:
    return sum(stack.db.run_sync(chats.get, chat_id) is not None for chat_id in ids)


async def test_an_ended_chat_moves_to_the_archive_and_its_room_is_destroyed(
    stack: Stack, customer_in_chat: StartChat, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    ria = await customer_in_chat("Ria", "Week-old question")
    ria.client.say(ria.room, "Is my e-bike covered abroad?")
    await eventually(lambda: ria.logged(stack, 2))
    await asyncio.to_thread(_end, stack, ria.chat["id"], sam)
    await eventually(lambda: ria.logged(stack, 3))
    await asyncio.to_thread(_archive_and_check, stack, ria, sam)


def _end(stack: Stack, chat_id: str, supporter: Person) -> None:
    auth = {"Authorization": f"Bearer {supporter.token}"}
    httpx.post(f"{stack.api}/api/chats/{chat_id}/end", headers=auth).raise_for_status()


def _archive_and_check(stack: Stack, ria: InChat, supporter: Person) -> None:
    auth = {"Authorization": f"Bearer {supporter.token}"}
    assert stack.ejabberd.room_exists(ria.room)
    assert run_cli(stack, "archive", "--older-than", "0s").stdout.startswith("archived ")
    assert httpx.get(f"{stack.api}/api/chats/{ria.chat['id']}", headers=auth).status_code == 404
    found = httpx.get(f"{stack.api}/api/archive/chats", params={"q": "week-old"}, headers=auth)
    assert [c["id"] for c in found.json()] == [ria.chat["id"]]
    read = httpx.get(f"{stack.api}/api/archive/chats/{ria.chat['id']}/messages", headers=auth)
    assert "Is my e-bike covered abroad?" in [m["body"] for m in read.json()]
    archive_dump = pg_dump(archive_database_url(stack.settings))
    assert "COPY public.archived_messages" in archive_dump
    assert "e-bike covered" not in archive_dump
    assert not stack.ejabberd.room_exists(ria.room)  # the room and its MAM archive are gone
    assert run_cli(stack, "archive", "--older-than", "0s").stdout.strip() == "archived 0 chats"


def test_archiving_killed_mid_batch_and_run_again_archives_each_chat_once(stack: Stack) -> None:
    ids = _ended_chats(stack, count=40, messages_each=5)
    archive = open_archive(stack.settings)
    process = subprocess.Popen(
        [sys.executable, "-m", "bridge.cli", "archive"],
        env={**os.environ, **stack.env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while _archived(archive, ids)[0] < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    left_live = _live(stack, ids)
    assert 0 < left_live < len(ids), "the kill must land in the middle of the run"

    run_cli(stack, "archive")
    assert _archived(archive, ids) == (len(ids), len(ids) * 5)
    assert _live(stack, ids) == 0
    archive.engine.dispose()


def test_past_chats_are_imported_once_and_bad_lines_are_named(
    stack: Stack, tmp_path: Path, make_supporter: Callable[..., Person]
) -> None:
    chat_id = str(uuid.uuid4())
    lines = [
        {
            "id": chat_id,
            "customer": "Jonas",
            "ended_at": "2026-01-05T10:00:00+01:00",
            "messages": [
                {"role": "user", "body": "Mein Akku lädt nicht"},
                {"role": "supporter", "body": "Bitte einmal neu starten."},
            ],
        },
        {"messages": [{"role": "user", "body": "Hello?"}]},
        {"messages": [{"role": "robot", "body": "beep"}]},
    ]
    path = tmp_path / "past.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    first = run_cli(stack, "archive", "import", str(path), check=False)
    assert first.returncode == 1
    assert "imported 2 chats, 0 already there, 2 lines refused" in first.stdout
    assert "line 3: message 1: role must be 'user' or 'supporter'" in first.stderr
    again = run_cli(stack, "archive", "import", str(path), check=False)
    assert "imported 0 chats, 2 already there" in again.stdout
    sam = make_supporter("Sam")
    read = httpx.get(
        f"{stack.api}/api/archive/chats/{chat_id}/messages",
        headers={"Authorization": f"Bearer {sam.token}"},
    ).json()
    assert [(m["kind"], m["body"]) for m in read] == [
        ("customer", "Mein Akku lädt nicht"),
        ("supporter", "Bitte einmal neu starten."),
    ]


def test_archive_reading_is_for_supporters_and_durations_are_checked(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    mia, sam = make_guest("Mia"), make_supporter("Sam")
    assert (
        httpx.get(
            f"{stack.api}/api/archive/chats", headers={"Authorization": f"Bearer {mia.token}"}
        ).status_code
        == 403
    )
    missing = httpx.get(
        f"{stack.api}/api/archive/chats/{uuid.uuid4()}/messages",
        headers={"Authorization": f"Bearer {sam.token}"},
    )
    assert missing.status_code == 404
    wrong = run_cli(stack, "archive", "--older-than", "a week", check=False)
    assert wrong.returncode == 1 and "durations look like 7d" in wrong.stderr
