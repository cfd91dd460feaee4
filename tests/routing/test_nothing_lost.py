"""Delivery guarantees under failure: killed bridge, dropped customer, resent messages."""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable

import pytest

from bridge.postgres import embedded_url, stop_embedded
from tests.conftest import InChat, Person, eventually, open_chat, report
from tests.stack import Stack
from tests.xmpp import Client

Connect = Callable[[Person], Awaitable[Client]]
StartChat = Callable[..., Awaitable[InChat]]
STREAM = 300


async def test_log_is_complete_after_bridge_is_killed_mid_stream(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    stack.stop("bridge")  # a graceful restart first: the bridge killed below is a fresh one
    stack.start("bridge")
    kim = await customer_in_chat("Kim")
    sent = [f"message {i:04d}" for i in range(STREAM)]
    for number, body in enumerate(sent):
        kim.client.say(kim.room, body)
        if number == STREAM // 3:
            stack.stop("bridge", signal.SIGKILL)
            stack.start("bridge")
        await asyncio.sleep(0.005)
    reflected = await kim.client.wait_for(
        lambda: (
            (mine := [m for m in kim.client.room_messages if m.nick == kim.name])
            and len(mine) >= STREAM
            and mine
        ),
        timeout=30,
    )

    rows = await eventually(lambda: kim.logged(stack, STREAM + 1), timeout=30)
    logged = [row["body"] for row in rows if row["kind"] == "customer"]
    duplicates = sum(n - 1 for n in Counter(row["stanza_id"] for row in rows).values())
    report(
        f"bridge SIGKILL: sent {len(sent)}, reflected {len(reflected)}, "
        f"logged {len(logged)}, duplicates {duplicates}, in order {logged == sent}"
    )
    assert logged == sent
    assert duplicates == 0
    stack.wait_ready()


async def test_customer_dropped_mid_stream_catches_up_without_gap_or_duplicate(
    stack: Stack,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    name = f"Lea {uuid.uuid4().hex[:4]}"
    lea = make_guest(name)
    chat = open_chat(stack, lea)
    room = chat["room_jid"]
    customer = await connect(lea)
    await customer.join(room, name)
    ben = make_supporter("Ben")
    await stack.db.run(_take, chat["id"], ben.user_id)
    supporter = await connect(ben)
    await supporter.wait_for(
        lambda: any(m["body"] and "You have the chat" in m["body"] for m in supporter.direct)
    )
    await supporter.join(room, "Ben")

    sent = [f"answer {i:03d}" for i in range(150)]
    for number, body in enumerate(sent):
        supporter.say(room, body)
        if number == 50:
            assert customer.transport is not None
            customer.transport.abort()  # the network drops: no goodbye, no stream close
        await asyncio.sleep(0.005)
    seen_live = [m for m in customer.room_messages if m.nick == "Ben"]
    last_seen = customer.room_messages[-1].stanza_id

    again = await connect(lea)
    await again.join(room, name)
    caught_up = [m for m in await again.history(room, after=last_seen) if m.nick == "Ben"]
    shown = [m.body for m in seen_live] + [m.body for m in caught_up]
    report(
        f"customer connection cut: sent {len(sent)}, live {len(seen_live)}, "
        f"caught up {len(caught_up)}, duplicates {len(shown) - len(set(shown))}, "
        f"lost {len(set(sent) - set(shown))}"
    )
    assert shown == sent


async def test_resending_with_the_same_origin_id_logs_one_message(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    ole = await customer_in_chat("Ole")
    origin = ole.client.say(ole.room, "is my bike insured?")
    ole.client.say(ole.room, "is my bike insured?", origin_id=origin)
    ole.client.say(ole.room, "hello?")
    await ole.client.wait_for(lambda: ole.own_reflected() == 3)
    rows = await eventually(lambda: ole.logged(stack, 3))
    assert [r["body"] for r in rows if r["kind"] == "customer"] == ["is my bike insured?", "hello?"]


def _take(conn: object, chat_id: str, supporter_id: str) -> None:
    from bridge.accounts import repository as accounts
    from bridge.chats import service

    supporter = accounts.get(conn, uuid.UUID(supporter_id))  # type: ignore[arg-type]
    assert supporter is not None
    service.take(conn, chat_id=uuid.UUID(chat_id), supporter=supporter)  # type: ignore[arg-type]


async def test_log_catches_up_after_postgres_restarts_mid_chat(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    if stack.settings.database_url != embedded_url(stack.settings.data_dir):
        pytest.skip("restarts only the embedded server")
    pit = await customer_in_chat("Pit")
    sent = [f"before {i:02d}" for i in range(20)]
    for body in sent:
        pit.client.say(pit.room, body)
    await eventually(lambda: pit.logged(stack, 21))

    stop_embedded(stack.settings.data_dir)
    during = [f"during {i:02d}" for i in range(30)]
    for body in during:
        pit.client.say(pit.room, body)  # rooms go on without the product's database
    await pit.client.wait_for(lambda: pit.own_reflected() == 50)
    await asyncio.sleep(1)
    embedded_url(stack.settings.data_dir)

    rows = await eventually(lambda: pit.logged(stack, 51), timeout=10)
    logged = [row["body"] for row in rows if row["kind"] == "customer"]
    report(
        f"PostgreSQL restart: sent {len(sent) + len(during)}, logged {len(logged)}, "
        f"duplicates {len(logged) - len(set(logged))}"
    )
    assert logged == sent + during
    stack.wait_ready()
    await customer_in_chat("Ina")  # a new chat still gets its room: the event worker lived on
