"""The chat lists read each chat's latest message in one statement, decrypted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, event, update

from bridge.accounts import repository as accounts
from bridge.chats import repository as chats
from bridge.chats.repository import Order
from bridge.chats.states import Status
from bridge.db import chats as chats_table
from bridge.db import messages
from bridge.messages import repository as message_log
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.messages.repository import LoggedMessage
from tests.stack import Stack

START = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def conn(stack: Stack) -> Iterator[Connection]:
    """A connection whose writes are rolled back after the test."""
    with stack.db.engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def cipher(stack: Stack) -> MessageCipher:
    """The live database's message cipher."""
    return MessageCipher(KeyStore.for_messages(stack.settings))


def _chat(
    conn: Connection,
    cipher: MessageCipher,
    customer_id: uuid.UUID,
    *,
    opened: int,
    said: tuple[tuple[str, str], ...] = (),
) -> uuid.UUID:
    """A waiting chat opened `opened` minutes after START, its log holding (kind, body) messages."""
    chat_id = chats.insert_chat(
        conn,
        room_service="conference.test",
        customer_id=customer_id,
        status=Status.WAITING,
        subject="",
    )
    opened_at = START + timedelta(minutes=opened)
    # Set by hand: within one transaction now() stands still.
    conn.execute(
        update(chats_table)
        .where(chats_table.c.id == chat_id)
        .values(created_at=opened_at, updated_at=opened_at)
    )
    rows = [
        LoggedMessage(
            chat_id=chat_id,
            stanza_id=f"{number:06d}",
            origin_id=None,
            sender=f"{kind}@test",
            sender_name=kind.title(),
            kind=kind,
            body=body,
            created_at=opened_at + timedelta(seconds=number),
        )
        for number, (kind, body) in enumerate(said)
    ]
    message_log.insert_many(conn, rows, cipher)
    return chat_id


def test_the_list_reads_every_latest_message_in_one_statement(
    conn: Connection, cipher: MessageCipher
) -> None:
    customer = accounts.create(conn, display_name="Ria", role="user")
    talked = _chat(
        conn,
        cipher,
        customer.id,
        opened=0,
        said=(
            ("system", "Waiting for supporter"),
            ("customer", "My frame is cracked"),
            ("supporter", "Which bike is it?"),
            ("system", "Chat was ended by the supporter"),
        ),
    )
    silent = _chat(conn, cipher, customer.id, opened=1, said=(("system", "Waiting for supporter"),))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(conn, "before_cursor_execute", count)
    try:
        listed = chats.list_summaries(conn, cipher, customer_id=customer.id)
    finally:
        event.remove(conn, "before_cursor_execute", count)

    assert len(statements) == 1
    assert [summary.chat.id for summary in listed] == [talked, silent]
    last = listed[0].last_message
    assert last is not None
    assert (last.sender_name, last.kind, last.body, last.readable) == (
        "Supporter",
        "supporter",
        "Which bike is it?",
        True,
    )
    assert last.created_at == START + timedelta(seconds=2)
    assert listed[1].last_message is None
    assert listed[1].chat.waiting_since == START + timedelta(minutes=1)


def test_a_latest_message_that_does_not_decrypt_is_shown_as_unreadable(
    conn: Connection, cipher: MessageCipher
) -> None:
    customer = accounts.create(conn, display_name="Ole", role="user")
    said = (("customer", "a"), ("customer", "b"))
    chat_id = _chat(conn, cipher, customer.id, opened=0, said=said)
    conn.execute(
        update(messages)
        .where(messages.c.chat_id == chat_id, messages.c.stanza_id == "000001")
        .values(key_id="gone")
    )
    summary = chats.get_summary(conn, chat_id, cipher)
    assert summary is not None and summary.last_message is not None
    assert (summary.last_message.body, summary.last_message.readable) == ("", False)


def test_recent_order_puts_the_last_changed_chat_first(
    conn: Connection, cipher: MessageCipher
) -> None:
    customer = accounts.create(conn, display_name="Kim", role="user")
    first = _chat(conn, cipher, customer.id, opened=0)
    second = _chat(conn, cipher, customer.id, opened=1)
    chats.update_chat(conn, second, status=Status.ENDED)  # stamped now, long after START

    def listed(order: Order, limit: int = 200) -> list[tuple[uuid.UUID, datetime | None]]:
        summaries = chats.list_summaries(
            conn, cipher, customer_id=customer.id, order=order, limit=limit
        )
        return [(summary.chat.id, summary.chat.waiting_since) for summary in summaries]

    assert listed(Order.OLDEST) == [(first, START), (second, None)]
    assert listed(Order.RECENT) == [(second, None), (first, START)]
    assert listed(Order.RECENT, limit=1) == [(second, None)]
