"""Signing in over the api: guests, staff, tokens, and what bad input gets back."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import jwt
import pytest

from tests.conftest import Person
from tests.stack import Stack


def me(stack: Stack, token: str) -> httpx.Response:
    """GET /api/me with a bearer token."""
    return httpx.get(f"{stack.api}/api/me", headers={"Authorization": f"Bearer {token}"})


def test_guest_gets_a_one_hour_token_and_an_xmpp_account(stack: Stack) -> None:
    answer = httpx.post(f"{stack.api}/api/auth/guest", json={"display_name": "  Mia  "})
    assert answer.status_code == 201
    session = answer.json()
    assert session["user"]["display_name"] == "Mia"
    assert session["user"]["role"] == "user"
    assert session["xmpp"]["jid"] == f"{session['user']['id']}@{stack.settings.xmpp_domain}"
    assert session["xmpp"]["websocket_url"].endswith("/xmpp-websocket")
    claims = jwt.decode(session["token"], options={"verify_signature": False})
    assert set(claims) == {"user_id", "role", "exp"}
    assert 3590 < claims["exp"] - time.time() <= 3600
    assert me(stack, session["token"]).json()["id"] == session["user"]["id"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"display_name": ""},
        {"display_name": "   "},
        {"display_name": "x" * 81},
        {"display_name": "nul\x00byte"},
    ],
)
def test_guest_without_a_usable_name_gets_422(stack: Stack, body: dict[str, str]) -> None:
    answer = httpx.post(f"{stack.api}/api/auth/guest", json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"]


def test_staff_sign_in_by_email_or_username(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    username = sam.jid.split("@")[0]
    for login in (username, f"{username}@example.com", f"  {username.upper()}@EXAMPLE.COM "):
        answer = httpx.post(
            f"{stack.api}/api/auth/login", json={"email": login, "password": sam.password}
        )
        assert answer.status_code == 200, login
        assert answer.json()["user"]["role"] == "supporter"


def test_logout_revokes_the_token(stack: Stack, make_guest: Callable[[str], Person]) -> None:
    mia = make_guest("Mia")
    time.sleep(1.05)  # tokens carry whole seconds; the cut-off must come after minting
    answer = httpx.post(
        f"{stack.api}/api/auth/logout", headers={"Authorization": f"Bearer {mia.token}"}
    )
    assert answer.status_code == 204
    assert me(stack, mia.token).status_code == 401


def test_extauth_endpoint_needs_the_shared_secret(stack: Stack) -> None:
    body = {"command": "isuser", "user": "sam", "server": stack.settings.xmpp_domain}
    answer = httpx.post(
        f"{stack.api}/internal/extauth", json=body, headers={"X-Extauth-Secret": "guess"}
    )
    assert answer.status_code == 403


def test_a_new_session_works_on_the_very_next_request(stack: Stack) -> None:
    with httpx.Client(base_url=stack.api) as client:
        for number in range(30):
            session = client.post("/api/auth/guest", json={"display_name": f"G{number}"}).json()
            answer = client.get("/api/me", headers={"Authorization": f"Bearer {session['token']}"})
            assert answer.status_code == 200, number
