"""Chats over the api: who sees what, taking, ending, and errors for bad requests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Person, call, open_chat
from tests.stack import Stack


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
