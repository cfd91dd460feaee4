"""Key rotation: new messages use the new key, old ones stay readable and move on re-encrypt."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from bridge.db import messages
from tests.conftest import InChat, eventually
from tests.stack import Stack, run_cli

StartChat = Callable[..., Awaitable[InChat]]


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
