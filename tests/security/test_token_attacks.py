"""Session token attacks: forged or revoked tokens get 401 over HTTP and a failed login on XMPP."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import warnings
from collections.abc import Awaitable, Callable

import httpx
import jwt
import pytest

from tests.conftest import Person, call
from tests.stack import Stack
from tests.xmpp import Client

OTHER_KEY = "another-key-of-sufficient-length-0123456789"


def _unsigned(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _attack(name: str, user_id: str, secret: str) -> str:
    good: dict[str, object] = {"user_id": user_id, "role": "user", "exp": int(time.time()) + 600}
    with warnings.catch_warnings():  # short keys are the point of some attacks
        warnings.simplefilter("ignore")
        attacks: dict[str, Callable[[], str]] = {
            "signed with another key": lambda: jwt.encode(good, OTHER_KEY, "HS256"),
            "algorithm switched to HS512": lambda: jwt.encode(good, secret, "HS512"),
            "alg none": lambda: _unsigned(good),
            "role raised to admin": lambda: jwt.encode({**good, "role": "admin"}, secret, "HS256"),
            "expired": lambda: jwt.encode({**good, "exp": int(time.time()) - 5}, secret, "HS256"),
            "extra claim smuggled in": lambda: jwt.encode({**good, "x": 1}, secret, "HS256"),
            "role claim dropped": lambda: jwt.encode(
                {"user_id": user_id, "exp": good["exp"]}, secret, "HS256"
            ),
            "someone else's id": lambda: jwt.encode(
                {**good, "user_id": "00000000-0000-4000-8000-000000000000"}, secret, "HS256"
            ),
            "id that is no uuid": lambda: jwt.encode(
                {**good, "user_id": "1 OR 1=1"}, secret, "HS256"
            ),
            "signature cut off": lambda: jwt.encode(good, secret, "HS256").rsplit(".", 1)[0] + ".",
            "garbage": lambda: "not a token",
        }
        return attacks[name]()


ATTACKS = [
    "signed with another key",
    "algorithm switched to HS512",
    "alg none",
    "role raised to admin",
    "expired",
    "extra claim smuggled in",
    "role claim dropped",
    "someone else's id",
    "id that is no uuid",
    "signature cut off",
    "garbage",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_forged_token_is_refused(
    stack: Stack, make_guest: Callable[[str], Person], attack: str
) -> None:
    mia = make_guest("Mia")
    token = _attack(attack, mia.user_id, stack.settings.jwt_secret)
    answer = httpx.get(f"{stack.api}/api/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.json()["detail"] == "the session token is invalid or expired"


def test_missing_token_is_refused(stack: Stack) -> None:
    assert httpx.get(f"{stack.api}/api/me").status_code == 401


@pytest.mark.parametrize("attack", ATTACKS)
async def test_forged_token_as_xmpp_password_is_refused(
    stack: Stack, make_guest: Callable[[str], Person], attack: str
) -> None:
    mia = make_guest("Mia")
    token = _attack(attack, mia.user_id, stack.settings.jwt_secret)
    with pytest.raises(PermissionError):
        await Client(mia.jid, token).login(stack.settings.xmpp_port)


async def _refused_everywhere(stack: Stack, person: Person) -> None:
    """The token gets 401 from the api and a failed SASL login from ejabberd."""
    answer = await asyncio.to_thread(call, stack, "GET", "/api/me", person)
    assert answer.status_code == 401
    with pytest.raises(PermissionError):
        await Client(person.jid, person.token).login(stack.settings.xmpp_port)


async def test_token_reused_after_logout_is_refused_over_http_and_xmpp(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    mia = make_guest("Mia")
    assert (await asyncio.to_thread(call, stack, "POST", "/api/auth/logout", mia)).is_success
    await _refused_everywhere(stack, mia)


@pytest.mark.parametrize("revocation", [{"disabled": True}, {"password": "a new password"}])
async def test_staff_token_reused_after_revocation_is_refused_over_http_and_xmpp(
    stack: Stack,
    make_supporter: Callable[..., Person],
    connect: Callable[[Person], Awaitable[Client]],
    revocation: dict[str, object],
) -> None:
    admin, sam = make_supporter("Ada", role="admin"), make_supporter("Sam")
    await connect(Person(sam.user_id, sam.name, sam.jid, sam.token, sam.token))
    changed = await asyncio.to_thread(
        call, stack, "PATCH", f"/api/admin/users/{sam.user_id}", admin, json=revocation
    )
    assert changed.status_code == 200
    await _refused_everywhere(stack, sam)
