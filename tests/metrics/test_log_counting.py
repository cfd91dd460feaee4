"""The log counts a message once however often the bridge writes it, with its lag."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bridge.chats import repository as chats
from bridge.chats.states import Status
from bridge.messages import repository as messages
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.messages.repository import LoggedMessage
from bridge.metrics import repository
from bridge.metrics.catalog import LOG_LAG, MESSAGES_LOGGED, sum_name
from tests.conftest import Person
from tests.stack import Stack


def test_a_message_written_twice_is_counted_once_with_its_lag(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    customer = make_guest("Ida")
    cipher = MessageCipher(KeyStore.for_messages(stack.settings))
    with stack.db.engine.connect() as conn, conn.begin() as transaction:
        # Other writers wait until the rollback below: every change seen here is this test's.
        conn.execute(text("LOCK TABLE metric_counters, metric_buckets IN EXCLUSIVE MODE"))
        chat_id = chats.insert_chat(
            conn,
            room_service=stack.settings.muc_service,
            customer_id=uuid.UUID(customer.user_id),
            status=Status.WAITING,
            subject="",
        )
        reflected = datetime.now(UTC) - timedelta(seconds=2)
        message = LoggedMessage(
            chat_id, "17000001", "o-1", "ida", "Ida", "customer", "Hallo", reflected
        )
        before = repository.snapshot(conn)
        assert messages.record(conn, [message], {}, cipher) == 1
        assert messages.record(conn, [message], {}, cipher) == 0  # a retry after a lost answer
        after = repository.snapshot(conn)
        transaction.rollback()

    assert after.counters[MESSAGES_LOGGED] - before.counters.get(MESSAGES_LOGGED, 0) == 1
    lag_buckets = after.buckets[LOG_LAG.name]
    assert lag_buckets[2.5] - before.buckets.get(LOG_LAG.name, {}).get(2.5, 0) == 1
    lag = after.counters[sum_name(LOG_LAG)] - before.counters.get(sum_name(LOG_LAG), 0)
    assert 2.0 <= lag < 2.5
