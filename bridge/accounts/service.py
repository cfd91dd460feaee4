"""Account actions: sign-in, guests, staff creation, token and XMPP password checks."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Connection, update
from sqlalchemy.exc import IntegrityError

from bridge.accounts import passwords, repository, tokens
from bridge.accounts.repository import User
from bridge.db import users

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")


class AccountError(ValueError):
    """An account cannot be created as asked."""


def authenticate(conn: Connection, *, login: str, password: str) -> User | None:
    """Return the enabled user with these credentials, or None (same time either way)."""
    user = repository.get_by_login(conn, login)
    ok = passwords.verify(password, user.password_hash if user else None)
    return user if ok and user is not None and not user.disabled else None


def create_guest(conn: Connection, *, display_name: str) -> User:
    """Create a customer known only by a name."""
    return repository.create(conn, display_name=display_name, role="user")


def create_staff(
    conn: Connection,
    *,
    email: str,
    role: str,
    password: str,
    username: str | None = None,
    display_name: str | None = None,
) -> User:
    """Create a supporter or admin; the username defaults to the email's local part."""
    if role not in ("supporter", "admin"):
        raise AccountError("staff role must be supporter or admin")
    email = email.strip().lower()
    username = (username or email.split("@", 1)[0]).lower()
    if not USERNAME.match(username):
        raise AccountError("usernames use a-z, 0-9, '.', '_' and '-' (max 63)")
    password_hash = passwords.hash_password(password)
    try:
        with conn.begin_nested():
            return repository.create(
                conn,
                username=username,
                email=email,
                display_name=display_name or username.capitalize(),
                role=role,
                password_hash=password_hash,
            )
    except IntegrityError as error:
        raise AccountError("a user with this email or username exists") from error


def user_for_token(conn: Connection, token: str, secret: str) -> User:
    """Return the enabled user a valid, unrevoked token belongs to; raise `InvalidToken`."""
    claims = tokens.decode(token, secret)
    user = repository.get(conn, claims.user_id)
    if user is None or user.disabled or user.role != claims.role:
        raise tokens.InvalidToken("unknown or disabled user")
    if tokens.is_revoked(claims, user.tokens_valid_after):
        raise tokens.InvalidToken("revoked")
    return user


def revoke_tokens(conn: Connection, user: User) -> None:
    """End every session token the user holds (logout)."""
    conn.execute(
        update(users).where(users.c.id == user.id).values(tokens_valid_after=datetime.now(UTC))
    )


def check_xmpp_login(conn: Connection, *, localpart: str, password: str, secret: str) -> bool:
    """Decide an XMPP login: a session token of that user, or a staff member's password."""
    if password.count(".") == 2:
        try:
            return user_for_token(conn, password, secret).localpart == localpart
        except tokens.InvalidToken:
            return False
    user = repository.get_by_localpart(conn, localpart)
    staff_hash = user.password_hash if user and user.is_staff and not user.disabled else None
    return passwords.verify(password, staff_hash)


def user_exists(conn: Connection, *, localpart: str) -> bool:
    """True when the localpart names an enabled user (extauth `isuser`)."""
    user = repository.get_by_localpart(conn, localpart)
    return user is not None and not user.disabled
