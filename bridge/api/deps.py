"""Typed dependencies shared by the endpoints: settings, a transaction, the current user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine

from bridge.accounts import service as accounts
from bridge.accounts.repository import User
from bridge.accounts.throttle import LoginThrottle
from bridge.accounts.tokens import InvalidToken
from bridge.accounts.verified_tokens import VerifiedTokens
from bridge.messages.crypto import MessageCipher
from bridge.settings import Settings

_bearer = HTTPBearer(auto_error=False)


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    """The app's database engine."""
    engine: Engine = request.app.state.engine
    return engine


def get_conn(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Connection]:
    """One transaction per request, committed when the endpoint returns without error."""
    with engine.begin() as conn:
        yield conn


AppSettings = Annotated[Settings, Depends(get_settings)]
# "function" scope: commit before the response leaves, so the next request sees it.
DbConn = Annotated[Connection, Depends(get_conn, scope="function")]


def current_user(
    conn: DbConn,
    settings: AppSettings,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The user whose valid session token came as bearer token; 401 otherwise."""
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a session token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        return accounts.user_for_token(conn, credentials.credentials, settings.jwt_secret)
    except InvalidToken as error:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "the session token is invalid or expired",
            headers={"WWW-Authenticate": "Bearer"},
        ) from error


CurrentUser = Annotated[User, Depends(current_user)]


def current_supporter(user: CurrentUser) -> User:
    """The current user if they are staff; 403 otherwise."""
    if not user.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only supporters may do this")
    return user


CurrentSupporter = Annotated[User, Depends(current_supporter)]


def current_admin(user: CurrentUser) -> User:
    """The current user if they are an admin; 403 otherwise."""
    if user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins may do this")
    return user


CurrentAdmin = Annotated[User, Depends(current_admin)]


def get_throttle(request: Request) -> LoginThrottle:
    """The app's counter of failed sign-ins."""
    throttle: LoginThrottle = request.app.state.throttle
    return throttle


Throttle = Annotated[LoginThrottle, Depends(get_throttle)]


async def get_verified_tokens(request: Request) -> VerifiedTokens:
    """The session tokens this process has verified (async: no worker thread for a lookup)."""
    verified: VerifiedTokens = request.app.state.verified_tokens
    return verified


TokenCache = Annotated[VerifiedTokens, Depends(get_verified_tokens)]


def get_cipher(request: Request) -> MessageCipher:
    """Seals and opens message bodies of the live database."""
    cipher: MessageCipher = request.app.state.cipher
    return cipher


Cipher = Annotated[MessageCipher, Depends(get_cipher)]
