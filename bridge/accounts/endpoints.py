"""Routes of the accounts domain: register, guest start, login, logout, me, extauth."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, status
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool

from bridge.accounts import repository, service
from bridge.accounts.repository import User
from bridge.accounts.schemas import (
    ExtauthIn,
    ExtauthOut,
    GuestIn,
    LoginIn,
    RegisterIn,
    SessionOut,
    UserOut,
    XmppAccount,
)
from bridge.accounts.throttle import LoginThrottle
from bridge.accounts.verified_tokens import VerifiedTokens
from bridge.api.deps import (
    AppSettings,
    CurrentSupporter,
    CurrentUser,
    DbConn,
    Throttle,
    TokenCache,
)
from bridge.metrics.catalog import EXTAUTH
from bridge.metrics.recorder import RECORDER
from bridge.settings import Settings

router = APIRouter()


def session_for(user: User, settings: Settings, verified: VerifiedTokens) -> SessionOut:
    """Mint a session token (known verified from now on) and say where to log into XMPP with it."""
    return SessionOut(
        user=UserOut.of(user),
        token=service.mint_token(user, settings.jwt_secret, verified),
        xmpp=XmppAccount(
            jid=f"{user.localpart}@{settings.xmpp_domain}",
            websocket_url=settings.public_websocket_url,
            domain=settings.xmpp_domain,
        ),
    )


@router.post("/api/auth/register", status_code=status.HTTP_201_CREATED)
def register(
    body: RegisterIn,
    request: Request,
    conn: DbConn,
    settings: AppSettings,
    throttle: Throttle,
    verified: TokenCache,
) -> SessionOut:
    """Open a customer account and sign in (taken emails count as failed tries)."""
    address = _address(request)
    _refuse_if_throttled(throttle, account=body.email, address=address)
    try:
        user = service.register_customer(
            conn, email=body.email, password=body.password, display_name=body.display_name.strip()
        )
    except service.AccountExists:
        throttle.failed(account=body.email, address=address)  # slows probing for accounts
        raise
    return session_for(user, settings, verified)


@router.post("/api/auth/guest", status_code=status.HTTP_201_CREATED)
def start_as_guest(
    body: GuestIn, conn: DbConn, settings: AppSettings, verified: TokenCache
) -> SessionOut:
    """Start as a guest customer with a display name."""
    name = body.display_name.strip()
    if not name:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the name must not be blank")
    return session_for(service.create_guest(conn, display_name=name), settings, verified)


@router.post("/api/auth/login")
def login(
    body: LoginIn,
    request: Request,
    conn: DbConn,
    settings: AppSettings,
    throttle: Throttle,
    verified: TokenCache,
) -> SessionOut:
    """Sign in with email (or staff username) and password; 429 after repeated failures."""
    address = _address(request)
    _refuse_if_throttled(throttle, account=body.email, address=address)
    user = service.authenticate(conn, login=body.email, password=body.password)
    if user is None:
        throttle.failed(account=body.email, address=address)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong email or password")
    return session_for(user, settings, verified)


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _refuse_if_throttled(throttle: LoginThrottle, *, account: str, address: str | None) -> None:
    wait = throttle.retry_after(account=account, address=address)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed sign-ins; try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )


@router.post("/api/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(user: CurrentUser, conn: DbConn) -> None:
    """Revoke every session token of the current user."""
    service.revoke_tokens(conn, user)


@router.get("/api/supporters")
def colleagues(_: CurrentSupporter, conn: DbConn) -> list[UserOut]:
    """The enabled supporters and admins (to hand a chat to)."""
    return [UserOut.of(user) for user in repository.list_staff(conn)]


@router.get("/api/me")
def me(user: CurrentUser) -> UserOut:
    """The signed-in user."""
    return UserOut.of(user)


@router.post("/internal/extauth", include_in_schema=False)
async def extauth(
    body: ExtauthIn, request: Request, x_extauth_secret: Annotated[str, Header()] = ""
) -> ExtauthOut:
    """Answer ejabberd's extauth program (which presents the shared secret).

    Every login passes here, so the answer takes one hop to a worker thread for
    all its work (the shared dependencies would take one each, and hops cost
    more CPU than the answer): the state is read straight from the app.
    """
    state = request.app.state
    if not hmac.compare_digest(x_extauth_secret, state.settings.extauth_secret):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong extauth secret")
    with RECORDER.timed(EXTAUTH):
        return await run_in_threadpool(
            _extauth_in_transaction,
            body,
            state.engine,
            state.settings,
            state.throttle,
            state.verified_tokens,
        )


def _extauth_in_transaction(
    body: ExtauthIn,
    engine: Engine,
    settings: Settings,
    throttle: LoginThrottle,
    verified: VerifiedTokens,
) -> ExtauthOut:
    with engine.begin() as conn:
        return _extauth_answer(body, conn, settings, throttle, verified)


def _extauth_answer(
    body: ExtauthIn,
    conn: Connection,
    settings: Settings,
    throttle: LoginThrottle,
    verified: VerifiedTokens,
) -> ExtauthOut:
    if body.server != settings.xmpp_domain:
        return ExtauthOut(ok=False)
    if body.command == "auth":
        account = f"{body.user}@{body.server}"
        if throttle.retry_after(account=account, address=None) is not None:
            return ExtauthOut(ok=False)
        ok = service.check_xmpp_login(
            conn,
            localpart=body.user,
            password=body.password,
            secret=settings.jwt_secret,
            bot_password=settings.bot_password,
            verified=verified,
        )
        if not ok:
            throttle.failed(account=account, address=None)
    elif body.command == "isuser":
        ok = service.user_exists(conn, localpart=body.user)
    else:
        ok = False  # registration and password changes go through the api, not XMPP
    return ExtauthOut(ok=ok)
