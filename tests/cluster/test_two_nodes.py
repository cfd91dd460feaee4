"""Two ejabberd nodes as one cluster: a customer on node A, a supporter on node B.

The bridge and the bots are attached to node A only. The supporter's node is
stopped mid-chat; their client comes back through node A and catches up from
the room's archive (MAM in PostgreSQL, shared by both nodes).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from bridge.xmpp_server.cluster import node_for
from bridge.xmpp_server.control import Ejabberd
from tests.conftest import InChat, Person, call, eventually, report
from tests.stack import ROOT, Stack, settings_from
from tests.xmpp import NS, Client

StartChat = Callable[..., Awaitable[InChat]]


def test_the_nodes_form_one_cluster(stack: Stack, node_b: Ejabberd) -> None:
    expected = {stack.settings.ejabberd_node, node_b.settings.ejabberd_node}
    assert set(stack.ejabberd.cluster_nodes()) == expected
    assert set(node_b.cluster_nodes()) == expected


def offers(client: Client, room: str) -> list[Any]:
    """The suggestion offers a supporter got from the room's suggest bot."""
    return [
        m
        for m in client.direct
        if m["from"].bare == room and m.xml.find(f"{{{NS}}}suggestions") is not None
    ]


async def login(person: Person, port: int, clients: list[Client]) -> Client:
    """Log a person in through the node listening on `port`."""
    client = Client(person.jid, person.password)
    clients.append(client)
    await client.login(port)
    return client


async def test_customer_on_a_and_supporter_on_b_chat_and_nothing_is_lost_when_b_stops(
    suggesting: Stack,
    node_b: Ejabberd,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
) -> None:
    clients: list[Client] = []
    try:
        await _chat_across_nodes_and_fail_over(
            suggesting, node_b, customer_in_chat, make_supporter, clients
        )
    finally:
        for client in clients:
            await client.logout()


async def _chat_across_nodes_and_fail_over(
    stack: Stack,
    node_b: Ejabberd,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    clients: list[Client],
) -> None:
    ria = await customer_in_chat("Ria")  # on node A, as every stack client
    sam_person = make_supporter("Sam")
    sam = await login(sam_person, node_b.settings.xmpp_port, clients)
    assert call(stack, "POST", f"/api/chats/{ria.chat['id']}/take", sam_person).is_success
    await ria.client.wait_for(lambda: "active" in ria.client.statuses())
    await sam.join(ria.room, "Sam")

    # Suggestions: from the bot on node A to the supporter on node B.
    ria.client.say(ria.room, "Mein Akku lädt nicht mehr, was kann ich tun?")
    await sam.wait_for(lambda: offers(sam, ria.room), timeout=30)
    assert offers(sam, ria.room)[-1]["body"].startswith("1) ")
    sam.say(ria.room, "Bitte laden Sie den Akku einmal vollständig auf.")
    await ria.client.wait_for(lambda: any(m.nick == "Sam" for m in ria.client.room_messages))
    last_seen = await sam.wait_for(
        lambda: next((m for m in reversed(sam.room_messages) if m.nick == "Sam"), None)
    )

    await asyncio.to_thread(node_b.stop)
    await asyncio.wait_for(sam.gone.wait(), 20)
    while_away = [f"Noch da? {i:02d}" for i in range(12)]
    for body in while_away:
        ria.client.say(ria.room, body)
    await ria.client.wait_for(lambda: ria.own_reflected() == 1 + len(while_away))

    # The supporter's client comes back through node A and catches up from the archive.
    sam_again = await login(sam_person, stack.settings.xmpp_port, clients)
    caught_up = await sam_again.history(ria.room, after=last_seen.stanza_id)
    bodies = [seen.body for seen in caught_up]
    report(
        f"cluster failover: sent while away {len(while_away)}, caught up {len(bodies)}, "
        f"lost {len(set(while_away) - set(bodies))}, duplicates {len(bodies) - len(set(bodies))}"
    )
    assert bodies == while_away  # every one, once, in order, and nothing else
    await sam_again.join(ria.room, "Sam")
    sam_again.say(ria.room, "Wieder da, entschuldigen Sie.")
    await ria.client.wait_for(
        lambda: any(m.body == "Wieder da, entschuldigen Sie." for m in ria.client.room_messages)
    )

    # The bridge (on node A) logged both sides, the supporter's node B messages included.
    rows = await eventually(lambda: ria.logged(stack, 2 + len(while_away) + 2), timeout=20)
    logged = [
        (row["kind"], row["body"]) for row in rows if row["kind"] in ("customer", "supporter")
    ]
    assert logged == [
        ("customer", "Mein Akku lädt nicht mehr, was kann ich tun?"),
        ("supporter", "Bitte laden Sie den Akku einmal vollständig auf."),
        *[("customer", body) for body in while_away],
        ("supporter", "Wieder da, entschuldigen Sie."),
    ]


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`customer-chat ARGS` with these settings."""
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args],
        env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def test_a_stopped_node_is_started_again_and_rejoins_by_itself(
    stack: Stack, node_b: Ejabberd, node_b_env: dict[str, str]
) -> None:
    both = {stack.settings.ejabberd_node, node_b.settings.ejabberd_node}
    assert cli(node_b_env, "cluster", "stop").returncode == 0
    assert not node_b.is_running()
    assert cli(stack.env, "cluster", "nodes").stdout.split() == [stack.settings.ejabberd_node]

    started = cli(node_b_env, "cluster", "start")
    assert started.returncode == 0, started.stderr
    assert set(started.stdout.removeprefix("cluster: ").split()) == both
    assert set(cli(stack.env, "cluster", "nodes").stdout.split()) == both


def test_joining_is_refused_clearly_when_it_would_lose_data_or_makes_no_sense(
    stack: Stack, node_b: Ejabberd, node_b_env: dict[str, str]
) -> None:
    again = cli(node_b_env, "cluster", "join", stack.settings.ejabberd_node)
    assert again.returncode == 0 and again.stdout.startswith("cluster: ")  # joined already: fine
    itself = cli(stack.env, "cluster", "join", stack.settings.ejabberd_node)
    assert "is this node: give the node to join" in itself.stderr
    node_b.stop()
    used = cli(node_b_env, "cluster", "join", stack.settings.ejabberd_node)
    assert "is not empty: a joining node starts fresh" in used.stderr
    assert not node_b.is_running()


def test_a_node_that_cannot_join_is_not_left_running(
    stack: Stack, node_b_env: dict[str, str]
) -> None:
    env = node_b_env | {
        "CUSTOMER_CHAT_EJABBERD_NODE": f"cctestc{uuid.uuid4().hex[:8]}@localhost",
        "CUSTOMER_CHAT_EJABBERD_DIR": str(stack.settings.data_dir / "ejabberd-c"),
    }
    failed = cli(env, "cluster", "join", "nobody@localhost")
    assert failed.returncode != 0
    assert failed.stderr.startswith("error: ejabberdctl join_cluster:"), failed.stderr
    assert node_for(settings_from(env)).is_running() is False
