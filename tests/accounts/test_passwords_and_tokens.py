"""Passwords (bcrypt, limits) and session tokens (claims, expiry, revocation)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from bridge.accounts import passwords, tokens

SECRET = "s" * 43


def test_passwords_are_bcrypt_cost_12_and_verify() -> None:
    hashed = passwords.hash_password("correct horse")
    assert hashed.startswith("$2b$12$")
    assert passwords.verify("correct horse", hashed)
    assert not passwords.verify("correct horsE", hashed)
    assert not passwords.verify("correct horse", None)


@pytest.mark.parametrize("password", ["short", "🚲" * 19, "x" * 73])
def test_unusable_passwords_are_refused_not_truncated(password: str) -> None:
    with pytest.raises(passwords.PasswordRejected):
        passwords.hash_password(password)


def test_a_long_password_never_matches_by_its_first_72_bytes() -> None:
    hashed = passwords.hash_password("a" * 72)
    assert not passwords.verify("a" * 72 + "tail", hashed)


def test_token_round_trip_has_exactly_three_claims() -> None:
    user_id = uuid.uuid4()
    claims = tokens.decode(tokens.mint(user_id, "supporter", SECRET), SECRET)
    assert (claims.user_id, claims.role) == (user_id, "supporter")
    assert claims.issued_at == claims.exp - 3600


def test_expired_and_foreign_tokens_are_invalid() -> None:
    old = tokens.mint(uuid.uuid4(), "user", SECRET, now=time.time() - 3601)
    with pytest.raises(tokens.InvalidToken):
        tokens.decode(old, SECRET)
    with pytest.raises(tokens.InvalidToken):
        tokens.decode(tokens.mint(uuid.uuid4(), "user", "t" * 43), SECRET)


def test_tokens_minted_before_the_cut_off_are_revoked() -> None:
    claims = tokens.decode(tokens.mint(uuid.uuid4(), "user", SECRET), SECRET)
    minted = datetime.fromtimestamp(claims.issued_at, UTC)
    assert not tokens.is_revoked(claims, None)
    assert not tokens.is_revoked(claims, minted)
    assert tokens.is_revoked(claims, minted + timedelta(seconds=1))
