"""All SQL of the accounts domain."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Integer, Row, bindparam, func, insert, null, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.sql.dml import ReturningInsert

from bridge.db import users, xmpp_logins


@dataclass(frozen=True)
class User:
    """A customer or a staff member."""

    id: uuid.UUID
    username: str | None
    email: str | None
    display_name: str
    role: str
    password_hash: str | None
    disabled: bool
    tokens_valid_after: datetime | None
    created_at: datetime

    @property
    def is_staff(self) -> bool:
        """Supporters and admins."""
        return self.role in ("supporter", "admin")

    @property
    def localpart(self) -> str:
        """The JID localpart: staff have readable names, customers their uuid."""
        return self.username if self.is_staff and self.username else str(self.id)


def _user(row: Row[tuple[object, ...]] | None) -> User | None:
    return None if row is None else User(**row._mapping)


def get(conn: Connection, user_id: uuid.UUID) -> User | None:
    """Return the user with this id."""
    return _user(conn.execute(select(users).where(users.c.id == user_id)).first())


def get_by_login(conn: Connection, login: str) -> User | None:
    """Return the user whose email or username is `login` (case-insensitive)."""
    login = login.strip().lower()
    query = select(users).where(or_(users.c.email == login, users.c.username == login))
    return _user(conn.execute(query).first())


def get_by_localpart(conn: Connection, localpart: str) -> User | None:
    """Return the user an XMPP localpart names (a staff username or a customer uuid)."""
    try:
        return get(conn, uuid.UUID(localpart))
    except ValueError:
        return _user(conn.execute(select(users).where(users.c.username == localpart)).first())


def create(
    conn: Connection,
    *,
    display_name: str,
    role: str,
    username: str | None = None,
    email: str | None = None,
    password_hash: str | None = None,
) -> User:
    """Insert a user and return it."""
    row = conn.execute(
        insert(users)
        .values(
            id=uuid.uuid4(),
            username=username,
            email=email,
            display_name=display_name,
            role=role,
            password_hash=password_hash,
        )
        .returning(users)
    ).first()
    user = _user(row)
    assert user is not None
    return user


def update(conn: Connection, user_id: uuid.UUID, **values: object) -> None:
    """Change columns of a user."""
    conn.execute(sql_update(users).where(users.c.id == user_id).values(**values))


def list_staff(conn: Connection, *, include_disabled: bool = False) -> list[User]:
    """Return the supporters and admins (the enabled ones unless asked), by username."""
    query = select(users).where(users.c.role.in_(("supporter", "admin"))).order_by(users.c.username)
    if not include_disabled:
        query = query.where(~users.c.disabled)
    return [User(**row._mapping) for row in conn.execute(query)]


def record_xmpp_login(conn: Connection, user_id: uuid.UUID, token_exp: datetime | None) -> None:
    """Remember a successful XMPP login (with its token's expiry, if a token was used)."""
    values = {"token_exp": token_exp, "logged_in_at": func.now(), "ended_at": None}
    conn.execute(
        upsert(xmpp_logins)
        .values(user_id=user_id, **values)
        .on_conflict_do_update(index_elements=["user_id"], set_=values)
    )


def _token_login_statement() -> ReturningInsert[tuple[uuid.UUID]]:
    """The statement of `record_token_login`, built once: every login runs it."""
    issued_at = bindparam("issued_at", type_=Integer())
    valid = users.c.tokens_valid_after.is_(None) | (
        users.c.tokens_valid_after <= func.to_timestamp(issued_at)
    )
    token_exp = bindparam("token_exp", type_=xmpp_logins.c.token_exp.type)
    holder = select(users.c.id, token_exp, func.now(), null()).where(
        users.c.id == bindparam("user_id"),
        ~users.c.disabled,
        users.c.role == bindparam("role"),
        valid,
    )
    columns = ["user_id", "token_exp", "logged_in_at", "ended_at"]
    statement = upsert(xmpp_logins).from_select(columns, holder)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"token_exp": excluded.token_exp, "logged_in_at": func.now(), "ended_at": None},
    ).returning(xmpp_logins.c.user_id)


_TOKEN_LOGIN = _token_login_statement()


def record_token_login(
    conn: Connection, user_id: uuid.UUID, role: str, issued_at: int, token_exp: datetime
) -> bool:
    """Remember an XMPP login with a session token, if the token still holds; True if it did.

    One statement both checks and records: the user is enabled, still has the
    token's role, and has not revoked tokens minted at `issued_at` (the rule of
    `tokens.is_revoked`) — so a cached verification never outlives a revocation.
    """
    values = {"user_id": user_id, "role": role, "issued_at": issued_at, "token_exp": token_exp}
    return conn.execute(_TOKEN_LOGIN, values).first() is not None


def xmpp_logins_to_end(conn: Connection) -> list[User]:
    """Users logged into XMPP whose token expired or was revoked, or who were disabled."""
    query = (
        select(users)
        .join(xmpp_logins, xmpp_logins.c.user_id == users.c.id)
        .where(
            xmpp_logins.c.ended_at.is_(None),
            or_(
                xmpp_logins.c.token_exp < func.now(),
                users.c.disabled,
                users.c.tokens_valid_after > xmpp_logins.c.logged_in_at,
            ),
        )
    )
    return [User(**row._mapping) for row in conn.execute(query)]


def mark_xmpp_login_ended(conn: Connection, user_id: uuid.UUID) -> None:
    """Record that the user's XMPP sessions were ended."""
    conn.execute(
        sql_update(xmpp_logins).where(xmpp_logins.c.user_id == user_id).values(ended_at=func.now())
    )
