"""Customer accounts, staff administration and password upgrades."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import bcrypt
import httpx
import pytest
from sqlalchemy import select

from bridge.db import users
from tests.conftest import Person, new_email, sign_in
from tests.stack import Stack


def test_customer_registers_and_signs_in(stack: Stack) -> None:
    email = new_email()
    answer = httpx.post(
        f"{stack.api}/api/auth/register",
        json={"email": email, "password": "pedal power 2026", "display_name": "Ria"},
    )
    assert answer.status_code == 201
    session = answer.json()
    assert session["user"]["role"] == "user" and session["user"]["email"] == email
    assert session["xmpp"]["jid"].startswith(session["user"]["id"])
    assert sign_in(stack, email.upper(), "pedal power 2026").status_code == 200


@pytest.mark.parametrize(
    "body, status",
    [
        ({"email": "not-an-email", "password": "long enough", "display_name": "X"}, 422),
        ({"email": "a@example.com", "password": "short", "display_name": "X"}, 422),
        ({"email": "a@example.com", "password": "🚲" * 64, "display_name": "X"}, 422),
        ({"email": "a@example.com", "password": "long enough"}, 422),
    ],
)
def test_registration_refuses_bad_input_with_4xx(
    stack: Stack, body: dict[str, Any], status: int
) -> None:
    answer = httpx.post(f"{stack.api}/api/auth/register", json=body)
    assert answer.status_code == status
    assert answer.json()["detail"]


def test_registering_a_taken_email_gets_409(stack: Stack) -> None:
    body = {"email": new_email(), "password": "long enough", "display_name": "Ria"}
    assert httpx.post(f"{stack.api}/api/auth/register", json=body).status_code == 201
    again = httpx.post(f"{stack.api}/api/auth/register", json=body)
    assert again.status_code == 409


def test_low_cost_hashes_are_upgraded_at_sign_in(stack: Stack) -> None:
    email = new_email()
    session = httpx.post(
        f"{stack.api}/api/auth/register",
        json={"email": email, "password": "old but good", "display_name": "Ria"},
    ).json()
    weak = bcrypt.hashpw(b"old but good", bcrypt.gensalt(4)).decode()
    user_id = uuid.UUID(session["user"]["id"])
    stack.db.run_sync(
        lambda conn: conn.execute(
            users.update().where(users.c.id == user_id).values(password_hash=weak)
        )
    )
    assert sign_in(stack, email, "old but good").status_code == 200
    stored = stack.db.run_sync(
        lambda conn: conn.execute(
            select(users.c.password_hash).where(users.c.id == user_id)
        ).scalar()
    )
    assert stored.startswith("$2b$12$")


def test_admin_creates_disables_and_resets_staff(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    admin = make_supporter("Ada", role="admin")
    auth = {"Authorization": f"Bearer {admin.token}"}
    email = new_email()
    created = httpx.post(
        f"{stack.api}/api/admin/users",
        headers=auth,
        json={
            "email": email,
            "role": "supporter",
            "password": "first password",
            "display_name": "Finn",
        },
    )
    assert created.status_code == 201
    finn = created.json()
    assert (finn["role"], finn["display_name"], finn["disabled"]) == ("supporter", "Finn", False)
    listed = httpx.get(f"{stack.api}/api/admin/users", headers=auth).json()
    assert finn["id"] in [user["id"] for user in listed]
    token = sign_in(stack, email, "first password").json()["token"]

    reset = httpx.patch(
        f"{stack.api}/api/admin/users/{finn['id']}",
        headers=auth,
        json={"password": "second password"},
    )
    assert reset.status_code == 200
    assert (
        httpx.get(f"{stack.api}/api/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    assert sign_in(stack, email, "first password").status_code == 401
    assert sign_in(stack, email, "second password").status_code == 200

    disabled = httpx.patch(
        f"{stack.api}/api/admin/users/{finn['id']}", headers=auth, json={"disabled": True}
    )
    assert disabled.json()["disabled"] is True
    assert sign_in(stack, email, "second password").status_code == 401


def test_staff_administration_is_for_admins_only(
    stack: Stack, make_supporter: Callable[..., Person], make_guest: Callable[[str], Person]
) -> None:
    admin = make_supporter("Ada", role="admin")
    for person in (make_supporter("Sam"), make_guest("Mia")):
        answer = httpx.get(
            f"{stack.api}/api/admin/users", headers={"Authorization": f"Bearer {person.token}"}
        )
        assert answer.status_code == 403
    auth = {"Authorization": f"Bearer {admin.token}"}
    assert (
        httpx.patch(
            f"{stack.api}/api/admin/users/{admin.user_id}", headers=auth, json={"disabled": True}
        ).status_code
        == 409
    )
    assert (
        httpx.patch(
            f"{stack.api}/api/admin/users/{uuid.uuid4()}", headers=auth, json={"disabled": True}
        ).status_code
        == 404
    )
    assert (
        httpx.post(
            f"{stack.api}/api/admin/users",
            headers=auth,
            json={"email": new_email(), "role": "user", "password": "long enough"},
        ).status_code
        == 422
    )
