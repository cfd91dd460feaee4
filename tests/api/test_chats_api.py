"""Chats over the api: who sees what, taking, ending, and errors for bad requests."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import InChat, Person, call, eventually, open_chat
from tests.stack import Stack
from tests.xmpp import Client

StartChat = Callable[..., Awaitable[InChat]]


def test_supporter_takes_and_ends_a_chat_over_the_api(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    mia, sam, ben = make_guest("Mia"), make_supporter("Sam"), make_supporter("Ben")
    chat = open_chat(stack, mia)
    waiting = call(stack, "GET", "/api/chats", sam, params={"status": "waiting"}).json()
    assert chat["id"] in [c["id"] for c in waiting]

    taken = call(stack, "POST", f"/api/chats/{chat['id']}/take", sam).json()
    assert (taken["status"], taken["assignee"]["display_name"]) == ("active", "Sam")
    again = call(stack, "POST", f"/api/chats/{chat['id']}/take", sam).json()
    assert again["assignee"]["display_name"] == "Sam"
    over = call(stack, "POST", f"/api/chats/{chat['id']}/take", ben).json()
    assert over["assignee"]["display_name"] == "Ben"

    ended = call(stack, "POST", f"/api/chats/{chat['id']}/end", ben).json()
    assert ended["status"] == "ended" and ended["ended_at"]
    for action in ("end", "take"):
        answer = call(stack, "POST", f"/api/chats/{chat['id']}/{action}", sam)
        assert answer.status_code == 409
        assert "ended" in answer.json()["detail"]


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/api/chats/not-a-uuid", None),
        ("GET", "/api/chats?status=archived", None),
        ("GET", "/api/chats?order=newest", None),
        ("GET", "/api/chats?limit=0", None),
        ("GET", "/api/chats?limit=201", None),
        ("POST", "/api/chats", {"subject": "x" * 201}),
        ("POST", "/api/chats", {"subject": 42}),
    ],
)
def test_malformed_requests_get_422(
    stack: Stack,
    make_guest: Callable[[str], Person],
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    answer = call(stack, method, path, make_guest("Mia"), json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"]


def test_unknown_chat_gets_404(stack: Stack, make_supporter: Callable[..., Person]) -> None:
    sam = make_supporter("Sam")
    for method, action in (("GET", ""), ("POST", "/take"), ("POST", "/end")):
        answer = call(stack, method, f"/api/chats/{uuid.uuid4()}{action}", sam)
        assert answer.status_code == 404


def _listed(stack: Stack, person: Person, chat_id: str, **params: str) -> dict[str, Any] | None:
    """The chat as `GET /api/chats` shows it to this person (None when not listed)."""
    listed = call(stack, "GET", "/api/chats", person, params=params).json()
    return next((chat for chat in listed if chat["id"] == chat_id), None)


def _saying(chat: dict[str, Any] | None, body: str) -> dict[str, Any] | None:
    """The listed chat once its latest message is `body`."""
    last = chat and chat["last_message"]
    return chat if last and last["body"] == body else None


async def test_the_list_shows_each_chat_with_its_latest_message_and_waiting_time(
    stack: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Callable[[Person], Awaitable[Client]],
) -> None:
    sam = make_supporter("Sam")
    mia = await customer_in_chat("Mia", "Frame cracked")
    waiting = _listed(stack, sam, mia.chat["id"], status="waiting")
    assert (
        waiting is not None and waiting["last_message"] is None
    )  # the status notice is no message
    assert waiting["waiting_since"] is not None
    assert datetime.fromisoformat(waiting["waiting_since"]) >= datetime.fromisoformat(
        waiting["created_at"]
    )

    mia.client.say(mia.room, "It cracked at the seat tube")
    waiting = await eventually(
        lambda: _saying(_listed(stack, sam, mia.chat["id"]), "It cracked at the seat tube")
    )
    last = waiting["last_message"]
    assert (last["sender_name"], last["kind"], last["readable"]) == (mia.name, "customer", True)

    call(stack, "POST", f"/api/chats/{mia.chat['id']}/take", sam).raise_for_status()
    await mia.client.wait_for(lambda: "active" in mia.client.statuses())
    supporter = await connect(sam)
    await supporter.join(mia.room, "Sam")
    supporter.say(mia.room, "Which bike is it?")
    active = await eventually(
        lambda: _saying(_listed(stack, sam, mia.chat["id"], status="active"), "Which bike is it?")
    )
    assert active["waiting_since"] is None
    assert (active["last_message"]["sender_name"], active["last_message"]["kind"]) == (
        "Sam",
        "supporter",
    )
    one = call(stack, "GET", f"/api/chats/{mia.chat['id']}", sam).json()
    assert one["last_message"] == active["last_message"]


async def test_a_customer_sees_only_their_own_chats_and_messages_in_the_list(
    stack: Stack, customer_in_chat: StartChat
) -> None:
    mia, ole = await customer_in_chat("Mia"), await customer_in_chat("Ole")
    secret = f"my contract number is {uuid.uuid4().hex[:8]}"
    mia.client.say(mia.room, secret)
    ole.client.say(ole.room, "When is my bike delivered?")
    await eventually(lambda: mia.logged(stack, 2))
    await eventually(lambda: ole.logged(stack, 2))

    for params in ({}, {"status": "waiting", "order": "recent"}):
        answer = call(stack, "GET", "/api/chats", ole.person, params=params)
        assert [chat["id"] for chat in answer.json()] == [ole.chat["id"]]
        assert answer.json()[0]["last_message"]["body"] == "When is my bike delivered?"
        assert secret not in answer.text and mia.name not in answer.text
    assert call(stack, "GET", f"/api/chats/{mia.chat['id']}", ole.person).status_code == 404
    own = call(stack, "GET", f"/api/chats/{mia.chat['id']}", mia.person).json()
    assert own["last_message"]["body"] == secret


def test_recent_order_with_a_limit_gives_the_latest_ended_chats(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    ended = []
    for name in ("Ada", "Bo", "Cy"):
        chat = open_chat(stack, make_guest(name))
        call(stack, "POST", f"/api/chats/{chat['id']}/end", sam).raise_for_status()
        ended.append(chat["id"])
    params = {"status": "ended", "order": "recent", "limit": "2"}
    latest = call(stack, "GET", "/api/chats", sam, params=params).json()
    assert [chat["id"] for chat in latest] == [ended[2], ended[1]]
