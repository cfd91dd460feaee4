"""Session token attacks, each refused with 401 over HTTP (and, for XMPP, see accounts tests)."""

from __future__ import annotations

import base64
import json
import time
import warnings
from collections.abc import Callable

import httpx
import jwt
import pytest

from tests.conftest import Person
from tests.stack import Stack

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
