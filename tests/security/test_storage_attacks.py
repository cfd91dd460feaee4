"""Attacks on stored data: reading dumps and spool files, swapping ciphertexts between rows."""

from __future__ import annotations

import stat
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import Connection, select, update

from bridge.db import messages
from bridge.xmpp_server.config import layout_for
from tests.conftest import InChat, eventually
from tests.stack import Stack, pg_dump

StartChat = Callable[..., Awaitable[InChat]]


def _dump(stack: Stack) -> str:
    url = stack.settings.database_url
    assert url is not None
    return pg_dump(url)


async def test_reading_a_database_dump_reveals_no_message_text(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    secret = f"my IBAN is DE{uuid.uuid4().int % 10**20:020d}"
    ria = await customer_in_chat("Ria")
    ria.client.say(ria.room, secret)
    rows = await eventually(lambda: ria.logged(stack, 2))
    assert rows[-1]["body"] == secret and rows[-1]["readable"]
    dump = _dump(stack)
    assert "COPY public.messages" in dump
    assert secret not in dump and "IBAN" not in dump


async def test_a_ciphertext_swapped_between_rows_does_not_decrypt(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    ria = await customer_in_chat("Ria")
    for body in ("first secret", "second secret"):
        ria.client.say(ria.room, body)
    await eventually(lambda: ria.logged(stack, 3))
    chat_id = uuid.UUID(ria.chat["id"])

    def swap(conn: Connection) -> None:
        found = conn.execute(
            select(messages.c.id, messages.c.body_ciphertext, messages.c.nonce)
            .where(messages.c.chat_id == chat_id, messages.c.kind == "customer")
            .order_by(messages.c.id)
        ).all()
        first, second = found
        conn.execute(
            update(messages)
            .where(messages.c.id == first.id)
            .values(body_ciphertext=second.body_ciphertext, nonce=second.nonce)
        )

    stack.db.run_sync(swap)
    rows = [r for r in ria.logged(stack, 3) or [] if r["kind"] == "customer"]
    assert [(r["body"], r["readable"]) for r in rows] == [("", False), ("second secret", True)]


def test_other_local_users_cannot_read_ejabberds_spool_or_secrets(stack: Stack) -> None:
    layout = layout_for(stack.settings)
    for folder in (layout.spool, layout.etc, layout.logs):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(layout.config.stat().st_mode) == 0o600
