"""The message log holds no plaintext: pg_dump shows none, swapped rows do not decrypt."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import Connection, select, update

from bridge.db import messages
from tests.conftest import InChat, eventually
from tests.stack import Stack, pg_dump, run_cli

StartChat = Callable[..., Awaitable[InChat]]


def _dump(stack: Stack) -> str:
    url = stack.settings.database_url
    assert url is not None
    return pg_dump(url)


async def test_pg_dump_contains_no_message_text(stack: Stack, customer_in_chat: StartChat) -> None:
    secret = f"my IBAN is DE{uuid.uuid4().int % 10**20:020d}"
    ria = await customer_in_chat("Ria")
    ria.client.say(ria.room, secret)
    rows = await eventually(lambda: ria.logged(stack, 2))
    assert rows[-1]["body"] == secret and rows[-1]["readable"]
    dump = _dump(stack)
    assert "COPY public.messages" in dump
    assert secret not in dump and "IBAN" not in dump


async def test_a_ciphertext_swapped_between_rows_is_shown_as_unreadable(
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


async def test_rotate_then_reencrypt_keeps_every_message_readable(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    ria = await customer_in_chat("Ria")
    ria.client.say(ria.room, "sealed with the old key")
    await eventually(lambda: ria.logged(stack, 2))
    assert run_cli(stack, "keys", "rotate").stdout.startswith(
        "new messages are now encrypted with key k"
    )
    ria.client.say(ria.room, "sealed with the new key")
    await eventually(lambda: ria.logged(stack, 3))
    key_ids = stack.db.run_sync(
        lambda conn: set(
            conn.execute(
                select(messages.c.key_id).where(messages.c.chat_id == uuid.UUID(ria.chat["id"]))
            ).scalars()
        )
    )
    assert len(key_ids) == 2
    assert run_cli(stack, "keys", "reencrypt").stdout.startswith("re-encrypted ")
    left = stack.db.run_sync(
        lambda conn: set(
            conn.execute(
                select(messages.c.key_id).where(messages.c.chat_id == uuid.UUID(ria.chat["id"]))
            ).scalars()
        )
    )
    assert len(left) == 1 and left < key_ids
    rows = ria.logged(stack, 3) or []
    assert [r["body"] for r in rows if r["kind"] == "customer"] == [
        "sealed with the old key",
        "sealed with the new key",
    ]
