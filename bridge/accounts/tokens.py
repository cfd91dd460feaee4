"""Session tokens: JWT, HS256 pinned, claims exactly user_id, role, exp, valid one hour."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime

import jwt

ALGORITHM = "HS256"
LIFETIME_SECONDS = 3600
ROLES = ("user", "supporter", "admin")


class InvalidToken(Exception):
    """The token is forged, malformed, expired or revoked."""


@dataclass(frozen=True)
class Claims:
    """What a valid session token says."""

    user_id: uuid.UUID
    role: str
    exp: int

    @property
    def issued_at(self) -> int:
        """When the token was minted (tokens live exactly one hour)."""
        return self.exp - LIFETIME_SECONDS


def mint(user_id: uuid.UUID, role: str, secret: str, *, now: float | None = None) -> str:
    """Return a signed token for the user, valid one hour from now."""
    exp = int(now if now is not None else time.time()) + LIFETIME_SECONDS
    return jwt.encode({"user_id": str(user_id), "role": role, "exp": exp}, secret, ALGORITHM)


def decode(token: str, secret: str) -> Claims:
    """Verify signature, algorithm, expiry and claim set; raise `InvalidToken` otherwise."""
    try:
        payload = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "user_id", "role"]}
        )
        if set(payload) != {"user_id", "role", "exp"} or payload["role"] not in ROLES:
            raise InvalidToken("unexpected claims")
        return Claims(uuid.UUID(payload["user_id"]), payload["role"], int(payload["exp"]))
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise InvalidToken(str(error)) from error


def is_revoked(claims: Claims, tokens_valid_after: datetime | None) -> bool:
    """True when the token was minted before the user's cut-off time.

    `repository.record_token_login` applies the same rule in SQL, atomically with the login.
    """
    return tokens_valid_after is not None and claims.issued_at < tokens_valid_after.timestamp()
