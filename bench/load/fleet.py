"""The same rooms and people on both systems: a customer and a supporter in every room.

On the product the rooms are real chats (guest customer over the api, chat
opened, taken by a supporter, so the bridge and `suggest@` sit in every room);
customers log in with their session token, supporters with their password
(both through extauth). On the bare ceiling they are plain ejabberd accounts
and rooms with the same options.
"""

from __future__ import annotations

import asyncio
import ssl
import uuid
from dataclasses import dataclass

import httpx

from bench.load.ceiling import Ceiling
from bench.load.xmpp import Account, Client, OnMessage, XmppError
from bridge.accounts import service as accounts
from tests.stack import Stack

ROOM_OPTIONS = {"persistent": "true", "members_only": "true", "anonymous": "false",
                "mam": "true", "public": "false"}  # fmt: skip
"""Options of a chat's room, as the bridge configures it."""
JOIN_ATTEMPTS = 20
API_CONCURRENCY = 4


@dataclass(frozen=True)
class Room:
    """One chat's room: its customer, and which supporter holds it."""

    jid: str
    customer: Account
    supporter: int


@dataclass(frozen=True)
class Fleet:
    """Rooms and supporters of one system."""

    rooms: list[Room]
    supporters: list[Account]


def supporter_of(number: int, per_supporter: int) -> int:
    """Which supporter holds room `number`."""
    return number // per_supporter


async def product_fleet(stack: Stack, rooms: int, per_supporter: int) -> Fleet:
    """Open `rooms` chats on the product and have them taken by supporters."""
    settings = stack.settings
    domain, port = settings.xmpp_domain, settings.xmpp_port
    supporters: list[Account] = []
    staff_tokens: list[str] = []
    async with httpx.AsyncClient(base_url=stack.api, timeout=30, verify=stack.verify) as api:
        for _ in range(-(-rooms // per_supporter)):
            username, password = f"load{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
            await stack.db.run(
                lambda conn, u=username, p=password: accounts.create_staff(
                    conn, email=f"{u}@example.com", role="supporter", password=p
                )
            )
            login = await api.post(
                "/api/auth/login", json={"email": username, "password": password}
            )
            login.raise_for_status()
            staff_tokens.append(login.json()["token"])
            supporters.append(Account(f"{username}@{domain}", password, settings.xmpp_host, port))
        gate = asyncio.Semaphore(API_CONCURRENCY)

        async def open_chat(number: int) -> tuple[str, str, str]:
            async with gate:
                return await _open_chat(
                    api, number, staff_tokens[supporter_of(number, per_supporter)]
                )

        opened = await asyncio.gather(*(open_chat(number) for number in range(rooms)))
    fleet = [
        Room(
            room,
            Account(jid, token, settings.xmpp_host, port),
            supporter_of(n, per_supporter),
        )
        for n, (room, jid, token) in enumerate(opened)
    ]
    return Fleet(fleet, supporters)


async def _open_chat(api: httpx.AsyncClient, number: int, staff_token: str) -> tuple[str, str, str]:
    guest = await api.post("/api/auth/guest", json={"display_name": f"Load {number}"})
    guest.raise_for_status()
    session = guest.json()
    customer = {"Authorization": f"Bearer {session['token']}"}
    opened = await api.post("/api/chats", json={"subject": "load"}, headers=customer)
    if not opened.is_success:
        raise RuntimeError(f"POST /api/chats: HTTP {opened.status_code} {opened.text[:200]}")
    chat = opened.json()
    taken = await api.post(
        f"/api/chats/{chat['id']}/take", headers={"Authorization": f"Bearer {staff_token}"}
    )
    taken.raise_for_status()
    return str(chat["room_jid"]), str(session["xmpp"]["jid"]), str(session["token"])


async def bare_fleet(ceiling: Ceiling, rooms: int, per_supporter: int) -> Fleet:
    """Register plain accounts and create the rooms on the bare ejabberd (its admin API)."""
    domain, host, port = (ceiling.settings.xmpp_domain, ceiling.settings.xmpp_host,
                          ceiling.settings.xmpp_port)  # fmt: skip
    service = f"conference.{domain}"
    password = uuid.uuid4().hex
    supporters = [
        Account(f"sup{n}@{domain}", password, host, port) for n in range(-(-rooms // per_supporter))
    ]
    fleet = [
        Room(f"load{n}@{service}", Account(f"cust{n}@{domain}", password, host, port),
             supporter_of(n, per_supporter))
        for n in range(rooms)
    ]  # fmt: skip
    async with httpx.AsyncClient(base_url=ceiling.admin_url, timeout=30) as api:

        async def call(command: str, **arguments: object) -> None:
            answer = await api.post(f"/{command}", json=arguments)
            if answer.status_code != 200:
                raise RuntimeError(f"{command}: HTTP {answer.status_code} {answer.text[:200]}")

        for account in [*supporters, *(room.customer for room in fleet)]:
            await call("register", user=account.localpart, host=domain, password=password)
        options = [{"name": name, "value": value} for name, value in ROOM_OPTIONS.items()]
        for room in fleet:
            name = room.jid.partition("@")[0]
            await call("create_room_with_opts", name=name, service=service, host=domain,
                       options=options)  # fmt: skip
            for member in (room.customer, supporters[room.supporter]):
                await call("set_room_affiliation", name=name, service=service,
                           jid=member.jid, affiliation="member")  # fmt: skip
    return Fleet(fleet, supporters)


@dataclass(frozen=True)
class Connected:
    """A system's logged-in people: room jids, their customers' clients, the supporters'."""

    rooms: list[str]
    customers: list[Client]
    supporters: list[Client]

    async def close(self) -> None:
        """Log everyone out."""
        await asyncio.gather(*(client.close() for client in [*self.customers, *self.supporters]))


async def connect(
    fleet: Fleet, tls: ssl.SSLContext | None, on_message: OnMessage, concurrency: int = 50
) -> Connected:
    """Log every customer and supporter in and seat them in their rooms."""
    supporters = [Client(account, tls) for account in fleet.supporters]
    customers = [Client(room.customer, tls) for room in fleet.rooms]
    gate = asyncio.Semaphore(concurrency)

    async def login(client: Client) -> None:
        async with gate:
            await client.login()

    await asyncio.gather(*(login(client) for client in [*supporters, *customers]))
    for supporter in supporters:
        supporter.on_message = on_message
    await asyncio.gather(
        *(_join(gate, customers[n], room.jid, f"Customer {n}")
          for n, room in enumerate(fleet.rooms)),
        *(_join(gate, supporters[room.supporter], room.jid, f"Agent {room.supporter}")
          for room in fleet.rooms),
    )  # fmt: skip
    return Connected([room.jid for room in fleet.rooms], customers, supporters)


async def _join(gate: asyncio.Semaphore, client: Client, room: str, nick: str) -> None:
    # On the product the bridge makes people members a moment after the api call.
    async with gate:
        for _ in range(JOIN_ATTEMPTS - 1):
            try:
                await client.join(room, nick)
                return
            except XmppError:
                await asyncio.sleep(0.5)
        await client.join(room, nick)
