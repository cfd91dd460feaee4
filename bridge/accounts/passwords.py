"""Password hashing with bcrypt; one check serves the api and ejabberd's extauth."""

from __future__ import annotations

import bcrypt

COST = 12
MIN_LENGTH = 8
MAX_BYTES = 72  # bcrypt reads 72 bytes; longer passwords are refused, never truncated

# A real hash to compare against when the user is unknown, so both cases take as long.
_DUMMY_HASH = bcrypt.hashpw(b"no such user", bcrypt.gensalt(COST))


class PasswordRejected(ValueError):
    """The password cannot be used (too short or too long)."""


def validate(password: str) -> None:
    """Raise `PasswordRejected` when the password is shorter than 8 chars or over 72 bytes."""
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"the password needs at least {MIN_LENGTH} characters")
    if len(password.encode()) > MAX_BYTES:
        raise PasswordRejected(f"the password may have at most {MAX_BYTES} bytes (UTF-8)")


def hash_password(password: str) -> str:
    """Return the bcrypt hash of a valid password."""
    validate(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(COST)).decode()


def needs_rehash(password_hash: str) -> bool:
    """True when a hash was made with a lower cost than today's."""
    return int(password_hash.split("$")[2]) < COST


def verify(password: str, password_hash: str | None) -> bool:
    """Check a password against a hash; without a hash, spend the same time and fail."""
    candidate = password.encode()
    if password_hash is None or len(candidate) > MAX_BYTES:
        bcrypt.checkpw(candidate[:MAX_BYTES], _DUMMY_HASH)
        return False
    return bcrypt.checkpw(candidate, password_hash.encode())
