"""Account actions: sign-in, guests, staff creation, token and XMPP password checks."""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from bridge.accounts import bots, passwords, repository, tokens
from bridge.accounts.repository import User
from bridge.accounts.verified_tokens import Verified, VerifiedTokens

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")


class AccountError(ValueError):
    """An account cannot be created as asked."""


class AccountExists(AccountError):
    """The email or username is taken."""


def authenticate(conn: Connection, *, login: str, password: str) -> User | None:
    """Return the enabled user with these credentials, or None (same time either way).

    A hash made with a lower bcrypt cost than today's is replaced on the way.
    """
    user = repository.get_by_login(conn, login)
    if not passwords.verify(password, user.password_hash if user else None):
        return None
    assert user is not None and user.password_hash is not None
    if passwords.needs_rehash(user.password_hash):
        repository.update(conn, user.id, password_hash=passwords.hash_password(password))
    return None if user.disabled else user


def register_customer(conn: Connection, *, email: str, password: str, display_name: str) -> User:
    """Create a customer account that signs in with email and password."""
    password_hash = passwords.hash_password(password)
    return _insert(
        conn,
        email=email.strip().lower(),
        display_name=display_name,
        role="user",
        password_hash=password_hash,
    )


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
    if bots.is_bot(username):
        raise AccountError(f"the username {username} is reserved for a bot")
    return _insert(
        conn,
        username=username,
        email=email,
        display_name=display_name or username.capitalize(),
        role=role,
        password_hash=passwords.hash_password(password),
    )


def _insert(conn: Connection, **values: str) -> User:
    try:
        with conn.begin_nested():
            return repository.create(conn, **values)
    except IntegrityError as error:
        raise AccountExists("a user with this email or username exists") from error


def user_for_token(conn: Connection, token: str, secret: str) -> User:
    """Return the enabled user a valid, unrevoked token belongs to; raise `InvalidToken`."""
    return _holder(conn, tokens.decode(token, secret))


def _holder(conn: Connection, claims: tokens.Claims) -> User:
    user = repository.get(conn, claims.user_id)
    if user is None or user.disabled or user.role != claims.role:
        raise tokens.InvalidToken("unknown or disabled user")
    if tokens.is_revoked(claims, user.tokens_valid_after):
        raise tokens.InvalidToken("revoked")
    return user


def mint_token(user: User, secret: str, verified: VerifiedTokens | None = None) -> str:
    """A session token for the user that their latest cut-off does not already revoke.

    Tokens carry whole seconds, so one minted in the same second as a cut-off would
    count as older than it: such a sign-in waits for the next second (at most one).
    A token minted here is valid by construction: it enters `verified` at once, so
    the customer's first XMPP login skips its verification.
    """
    now = time.time()
    if user.tokens_valid_after is not None:
        earliest = math.floor(user.tokens_valid_after.timestamp()) + 1
        if now < earliest:
            time.sleep(earliest - now)
            now = earliest
    token = tokens.mint(user.id, user.role, secret, now=now)
    if verified is not None:
        verified.add(token, Verified(tokens.decode(token, secret), user.localpart))
    return token


def revoke_tokens(conn: Connection, user: User) -> None:
    """End every session token the user holds (logout); the bridge ends their XMPP sessions."""
    repository.update(conn, user.id, tokens_valid_after=datetime.now(UTC))


def check_xmpp_login(
    conn: Connection,
    *,
    localpart: str,
    password: str,
    secret: str,
    bot_password: str,
    verified: VerifiedTokens,
) -> bool:
    """Decide an XMPP login: a session token of that user, a staff member's password, or a bot's.

    A successful login of a person is remembered, so the bridge can end the session
    when its token expires or is revoked.
    """
    if bots.is_bot(localpart):
        return bots.check_login(localpart, password, bot_password)
    if password.count(".") == 2:
        return _token_login(
            conn, localpart=localpart, token=password, secret=secret, verified=verified
        )
    staff = repository.get_by_localpart(conn, localpart)
    staff_hash = staff.password_hash if staff and staff.is_staff and not staff.disabled else None
    if not passwords.verify(password, staff_hash):
        return False
    assert staff is not None
    repository.record_xmpp_login(conn, staff.id, None)
    return True


def _token_login(
    conn: Connection, *, localpart: str, token: str, secret: str, verified: VerifiedTokens
) -> bool:
    """A token login: verified once per process, checked against revocation every time."""
    known = verified.get(token)
    if known is None:
        try:
            claims = tokens.decode(token, secret)
            known = Verified(claims, _localpart(conn, claims))
        except tokens.InvalidToken:
            return False
        verified.add(token, known)
    if known.localpart != localpart:
        return False
    claims = known.claims
    expires = datetime.fromtimestamp(claims.exp, UTC)
    return repository.record_token_login(
        conn, claims.user_id, claims.role, claims.issued_at, expires
    )


def _localpart(conn: Connection, claims: tokens.Claims) -> str:
    """The token holder's localpart; the login's write checks the rest (enabled, role, cut-off)."""
    if claims.role == "user":  # a customer's localpart is their id (`User.localpart`): no read
        return str(claims.user_id)
    return _holder(conn, claims).localpart


def user_exists(conn: Connection, *, localpart: str) -> bool:
    """True when the localpart names an enabled user (extauth `isuser`)."""
    if bots.is_bot(localpart):
        return True
    user = repository.get_by_localpart(conn, localpart)
    return user is not None and not user.disabled
