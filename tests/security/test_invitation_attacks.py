"""Invitation link attacks: guessing codes, reading them from the database, reaching further."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import Person, call, open_chat
from tests.stack import Stack, pg_dump


def _invite(stack: Stack, supporter: Person) -> dict[str, str]:
    answer = call(stack, "POST", "/api/invitations", supporter, json={"subject": "Offer"})
    answer.raise_for_status()
    issued: dict[str, str] = answer.json()
    return issued


def _accept(stack: Stack, code: str) -> httpx.Response:
    return httpx.post(f"{stack.api}/api/invitations/{code}/accept", json={})


@pytest.mark.parametrize("code", ["x" * 22, "' OR 1=1 --", "%00", "<script>", "A" * 300])
def test_guessing_an_invitation_code_finds_nothing(stack: Stack, code: str) -> None:
    answer = _accept(stack, code)
    assert answer.status_code in (404, 422), answer.text
    assert answer.json()["detail"]
    page = httpx.get(f"{stack.api}/i/{code}")
    assert page.status_code == 404 and "Link not found" in page.text
    assert "<script>" not in page.text


def test_invitation_codes_are_too_long_to_guess(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    code = _invite(stack, make_supporter("Sam"))["code"]
    random_bits = len(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))) * 8
    assert random_bits >= 128


def test_a_database_dump_reveals_no_usable_invitation_code(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    code = _invite(stack, make_supporter("Sam"))["code"]
    url = stack.settings.database_url
    assert url is not None
    assert code not in pg_dump(url)  # only its SHA-256 is stored
    assert _accept(stack, code).status_code == 200


def test_an_invited_customer_cannot_reach_other_chats(
    stack: Stack, make_supporter: Callable[..., Person], make_guest: Callable[[str], Person]
) -> None:
    issued = _invite(stack, make_supporter("Sam"))
    session = _accept(stack, issued["code"]).json()
    lena = Person(session["user"]["id"], "Lena", session["xmpp"]["jid"], "", session["token"])
    assert session["chat"]["id"] == issued["chat"]["id"]  # type: ignore[index]
    other = open_chat(stack, make_guest("Mia"))
    assert call(stack, "GET", f"/api/chats/{other['id']}", lena).status_code == 404
    assert call(stack, "GET", "/api/invitations", lena).status_code in (403, 405)
    assert [c["id"] for c in call(stack, "GET", "/api/chats", lena).json()] == [
        issued["chat"]["id"]  # type: ignore[index]
    ]
