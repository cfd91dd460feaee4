"""Fixtures: one real stack (PostgreSQL, ejabberd, api, bridge) per test session."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import Connection

from bridge.accounts import repository as account_records
from bridge.accounts import service as accounts
from bridge.accounts.repository import User
from bridge.chats import service as chats
from bridge.messages.crypto import KeyStore, MessageCipher
from tests.stack import Stack, ejabberd_missing_reason, run_cli, start_stack, stop_stack
from tests.xmpp import Client

T = TypeVar("T")
REQUIRE_ALL = os.environ.get("REQUIRE_ALL") == "1"


FIGURES: list[str] = []


def report(line: str) -> None:
    """Keep a measured figure for the end-of-run summary."""
    FIGURES.append(line)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the figures the delivery tests measured."""
    if FIGURES:
        terminalreporter.section("delivery figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


def skip_or_fail(reason: str) -> None:
    """Skip a test that cannot run here, or fail it when CI requires everything."""
    if REQUIRE_ALL:
        pytest.fail(f"REQUIRE_ALL=1 but {reason}")
    pytest.skip(reason)


@contextmanager
def own_stack(*, tls: bool = False, assistant: bool = False) -> Iterator[Stack]:
    """A stack started for a fixture and stopped after it (skipped without ejabberd)."""
    reason = ejabberd_missing_reason()
    if reason:
        skip_or_fail(reason)
    running = start_stack(tls, assistant=assistant)
    try:
        yield running
    finally:
        stop_stack(running)


def import_articles(stack: Stack, path: Path) -> None:
    """`customer-chat kb import PATH` on the stack, the articles embedded before it returns."""
    imported = run_cli(stack, "kb", "import", str(path), timeout=300)
    assert "chunks embedded" in imported.stdout, imported.stdout + imported.stderr


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """The running stack shared by the integration tests."""
    with own_stack() as running:
        yield running


@dataclass
class Person:
    """A user of the stack with what they need to log in."""

    user_id: str
    name: str
    jid: str
    password: str
    token: str


@pytest.fixture
def make_supporter(stack: Stack) -> Callable[..., Person]:
    """Create a supporter account and sign them in over the api."""
    return _supporter_factory(stack)


@pytest.fixture(scope="session")
def make_supporter_once(stack: Stack) -> Callable[[], Person]:
    """Create one supporter for session-wide fixtures."""
    return lambda: _supporter_factory(stack)()


def _supporter_factory(stack: Stack) -> Callable[..., Person]:
    def create(name: str = "Sam", role: str = "supporter") -> Person:
        username = "".join(c for c in name.lower() if c.isalnum()) + uuid.uuid4().hex[:6]
        password = f"pw-{uuid.uuid4().hex}"
        user: User = stack.db.run_sync(
            lambda conn: accounts.create_staff(
                conn,
                email=f"{username}@example.com",
                role=role,
                password=password,
                username=username,
                display_name=name,
            )
        )
        session = httpx.post(
            f"{stack.api}/api/auth/login", json={"email": username, "password": password}
        ).json()
        return Person(str(user.id), name, session["xmpp"]["jid"], password, session["token"])

    return create


@pytest.fixture
def make_guest(stack: Stack) -> Callable[[str], Person]:
    """Start a guest customer over the api."""

    def create(name: str) -> Person:
        answer = httpx.post(f"{stack.api}/api/auth/guest", json={"display_name": name})
        answer.raise_for_status()
        session = answer.json()
        return Person(
            session["user"]["id"], name, session["xmpp"]["jid"], session["token"], session["token"]
        )

    return create


def call(stack: Stack, method: str, path: str, person: Person, **kwargs: Any) -> httpx.Response:
    """An api request as this person."""
    return httpx.request(
        method,
        f"{stack.api}{path}",
        headers={"Authorization": f"Bearer {person.token}"},
        timeout=20,
        **kwargs,
    )


def new_email() -> str:
    """An email address no other test uses."""
    return f"rider-{uuid.uuid4().hex[:8]}@example.com"


def sign_in(
    stack: Stack, email: str, password: str, address: str = "198.51.100.1"
) -> httpx.Response:
    """POST /api/auth/login from an address of the test's choosing (as a proxy reports it)."""
    return httpx.post(
        f"{stack.api}/api/auth/login",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": address},
    )


def open_chat(stack: Stack, person: Person, subject: str = "") -> dict[str, Any]:
    """Open a chat as a customer over the api."""
    answer = call(stack, "POST", "/api/chats", person, json={"subject": subject})
    answer.raise_for_status()
    chat: dict[str, Any] = answer.json()
    return chat


@dataclass
class InChat:
    """A guest customer with an open chat, logged into XMPP and sitting in its room."""

    person: Person
    chat: dict[str, Any]
    client: Client

    @property
    def room(self) -> str:
        """The chat's room address."""
        return str(self.chat["room_jid"])

    @property
    def name(self) -> str:
        """The customer's name (also their nick in the room)."""
        return self.person.name

    def own_reflected(self) -> int:
        """How many of their own messages the room has reflected back so far."""
        return sum(m.nick == self.name for m in self.client.room_messages)

    def logged(self, stack: Stack, at_least: int) -> list[dict[str, Any]] | None:
        """The chat's log once it holds at least `at_least` messages."""
        return logged_messages(stack, self.chat["id"], self.person.token, at_least)


def reply_for(stack: Stack, chat_id: str, supporter: Person, text: str) -> str:
    """Queue a reply on the supporter's behalf, as a picked suggestion is sent."""
    cipher = MessageCipher(KeyStore.for_messages(stack.settings))

    def queue(conn: Connection) -> str:
        user = account_records.get(conn, uuid.UUID(supporter.user_id))
        assert user is not None
        return chats.reply_for(
            conn,
            cipher,
            chat_id=uuid.UUID(chat_id),
            supporter=user,
            text=text,
        )

    return stack.db.run_sync(queue)


@pytest.fixture
def customer_in_chat(
    stack: Stack,
    make_guest: Callable[[str], Person],
    connect: Callable[[Person], Awaitable[Client]],
) -> Callable[..., Awaitable[InChat]]:
    """Start a guest with a unique name, open a chat and join its room."""

    async def start(first_name: str, subject: str = "") -> InChat:
        person = make_guest(f"{first_name} {uuid.uuid4().hex[:4]}")
        chat = open_chat(stack, person, subject)
        client = await connect(person)
        await client.join(chat["room_jid"], person.name)
        return InChat(person, chat, client)

    return start


def logged_messages(
    stack: Stack, chat_id: str, token: str, at_least: int
) -> list[dict[str, Any]] | None:
    """The chat's logged messages once there are at least `at_least` of them."""
    answer = httpx.get(
        f"{stack.api}/api/chats/{chat_id}/messages", headers={"Authorization": f"Bearer {token}"}
    )
    answer.raise_for_status()
    rows: list[dict[str, Any]] = answer.json()
    return rows if len(rows) >= at_least else None


async def eventually(check: Callable[[], T | None], timeout: float = 15) -> T:
    """Poll `check` until it returns a value (not None), or fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (value := check()) is None:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.1)
    return value


@pytest.fixture
async def connect(stack: Stack) -> AsyncIterator[Callable[[Person], Awaitable[Client]]]:
    """Log people into XMPP; everyone is disconnected after the test."""
    clients: list[Client] = []

    async def login(person: Person) -> Client:
        client = Client(person.jid, person.password)
        clients.append(client)
        await client.login(stack.settings.xmpp_port)
        return client

    yield login
    for client in clients:
        await client.logout()
