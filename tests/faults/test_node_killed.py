"""One ejabberd node of a two-node cluster killed with SIGKILL under load.

Node A serves the bridge and most customers; node B serves the supporters and
one customer. B's Erlang VM is killed mid-chat: its clients log in through A by
themselves, re-enter their rooms, catch up from the archive and send what was
pending; A's cluster carries on without B, and B rejoins when started again.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bridge.xmpp_server import cluster
from bridge.xmpp_server.control import Ejabberd
from tests.cluster.conftest import beam_pid, node_b, node_b_env
from tests.conftest import Person, call, open_chat, report
from tests.faults.conftest import Connect, StartChat, offered_to_supporters
from tests.faults.failover import FailoverClient
from tests.faults.load import Load, Log, Pair, Side
from tests.stack import Stack, run_cli

__all__ = ["node_b", "node_b_env"]  # node B joined to the stack's node, from tests/cluster

Login = Callable[[Person, list[int]], Awaitable[FailoverClient]]


@pytest.fixture
async def login(stack: Stack) -> AsyncIterator[Login]:
    """Log people in through the first of these c2s ports; logged out after the test."""
    clients: list[FailoverClient] = []

    async def through(person: Person, ports: list[int]) -> FailoverClient:
        client = FailoverClient(person.jid, person.password, ports)
        clients.append(client)
        await client.login(ports[0])
        return client

    yield through
    for client in clients:
        await client.logout()


async def test_clients_of_a_killed_node_come_back_through_the_other_and_nothing_is_lost(
    stack: Stack,
    node_b: Ejabberd,
    login: Login,
    customer_in_chat: StartChat,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    a, b = stack.settings.xmpp_port, node_b.settings.xmpp_port
    customers_ports = [[a, b], [a, b], [b, a]]  # the third customer is on node B too
    pairs = [
        await _open_pair(stack, login, make_guest, make_supporter, number, ports, [b, a])
        for number, ports in enumerate(customers_ports)
    ]
    clients = [
        client
        for pair in pairs
        for client in (pair.customer.client, pair.supporter.client)
        if isinstance(client, FailoverClient)
    ]
    on_b = [client for client in clients if client.port == b]
    waiting = await customer_in_chat("Wanda", "Licht flackert")
    load, log = Load(pairs, "node"), Log(stack)

    load.start()
    await asyncio.sleep(3)
    os.kill(beam_pid(node_b.settings.ejabberd_node), signal.SIGKILL)
    await asyncio.wait_for(asyncio.gather(*(_back(client) for client in on_b)), 60)
    listed = await asyncio.to_thread(run_cli, stack, "cluster", "nodes")
    nodes_after_kill = listed.stdout.split()
    await asyncio.sleep(4)
    await load.stop()
    await load.delivered()
    lag = await log.caught_up(load, 15)
    counts = log.counts(load)
    offered = await offered_to_supporters(stack, waiting, make_supporter, connect)
    rejoined = await asyncio.to_thread(cluster.start, node_b.settings)

    failovers = [client.failovers[0] for client in on_b]
    stayed = [client for client in clients if client not in on_b and not client.gone.is_set()]
    line = counts.line(
        "ejabberd node SIGKILLed",
        f"{len(on_b)} clients on it back through the other node in "
        f"{max(f.seconds for f in failovers):.1f} s at most, "
        f"{sum(f.caught_up for f in failovers)} messages caught up from the archive, "
        f"{sum(f.resent for f in failovers)} sent again; {len(stayed)} clients on the other "
        f"node stayed connected; log complete {lag:.1f} s after the "
        f"sending stopped; cluster after the kill: {nodes_after_kill}; "
        f"waiting chat still offered: {offered!r}",
    )
    print(line)
    report(line)
    assert len(on_b) == 4
    assert nodes_after_kill == [stack.settings.ejabberd_node]
    assert all(client.port == a for client in on_b)
    assert len(stayed) == len(clients) - len(on_b)
    assert counts.reflected == counts.received == counts.logged == counts.sent
    assert (counts.lost, counts.duplicated, counts.out_of_order) == (0, 0, 0)
    both = {stack.settings.ejabberd_node, node_b.settings.ejabberd_node}
    assert set(rejoined.cluster_nodes()) == both  # started again, B rejoined by itself


async def _open_pair(
    stack: Stack,
    login: Login,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    number: int,
    customer_ports: list[int],
    supporter_ports: list[int],
) -> Pair:
    """A taken chat, its customer and supporter logged in through the first of their ports."""
    guest = make_guest(f"Kunde{number}")
    chat = open_chat(stack, guest, "Schaltung hakt")
    room = str(chat["room_jid"])
    customer_client = await login(guest, customer_ports)
    await customer_client.join(room, guest.name)
    person = make_supporter(f"Agent{number}")
    supporter = await login(person, supporter_ports)
    assert call(stack, "POST", f"/api/chats/{chat['id']}/take", person).is_success
    await customer_client.wait_for(lambda: "active" in customer_client.statuses())
    await supporter.join(room, person.name)
    return Pair(
        chat["id"],
        room,
        Side(customer_client, guest.name, supporter),
        Side(supporter, person.name, customer_client),
    )


async def _back(client: FailoverClient) -> None:
    """Wait until the client noticed its node is gone and is back in its rooms."""
    await client.gone.wait()
    assert client.reconnecting is not None  # set by the same "disconnected" event
    await client.reconnecting
