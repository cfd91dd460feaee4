"""Invitation actions: open a chat for a customer with a link, and accept the link."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from bridge.accounts import repository as accounts
from bridge.accounts.repository import User
from bridge.chats import repository as chats
from bridge.chats.repository import Chat
from bridge.chats.states import Status
from bridge.invitations import repository
from bridge.invitations.repository import Invitation

CODE_BYTES = 24  # 192 random bits


class InvitationNotFound(LookupError):
    """No invitation has this code."""


class InvitationExpired(ValueError):
    """The invitation's time is over."""


@dataclass(frozen=True)
class Issued:
    """A new invitation: the chat and the code to put in the link (shown once)."""

    chat: Chat
    code: str
    expires_at: datetime


def invite(
    conn: Connection,
    *,
    supporter: User,
    subject: str,
    email: str | None,
    room_service: str,
    valid_for: timedelta,
) -> Issued:
    """Open a chat held by the supporter for a customer who will come through a link."""
    name = email.split("@", 1)[0] if email else "Customer"
    customer = accounts.create(conn, display_name=name, role="user")
    chat_id = chats.insert_chat(
        conn,
        room_service=room_service,
        customer_id=customer.id,
        status=Status.ACTIVE,
        subject=subject,
    )
    chats.update_chat(conn, chat_id, assignee_id=supporter.id)
    code = secrets.token_urlsafe(CODE_BYTES)
    expires_at = datetime.now(UTC) + valid_for
    repository.insert_invitation(
        conn,
        code_hash=_hash(code),
        chat_id=chat_id,
        customer_id=customer.id,
        created_by=supporter.id,
        email=email,
        expires_at=expires_at,
    )
    chats.add_event(conn, chat_id, "invited", supporter_id=str(supporter.id))
    chat = chats.get(conn, chat_id)
    assert chat is not None
    return Issued(chat, code, expires_at)


def check(conn: Connection, code: str) -> Invitation:
    """The valid invitation with this code; raise if unknown or expired."""
    invitation = repository.get(conn, _hash(code))
    if invitation is None:
        raise InvitationNotFound("this invitation link is not known")
    if invitation.expires_at <= datetime.now(UTC):
        raise InvitationExpired("this invitation link has expired")
    return invitation


def accept(conn: Connection, *, code: str, display_name: str | None) -> tuple[User, Chat]:
    """Let the invited customer in: their account (renamed if they say so) and the chat."""
    invitation = check(conn, code)
    named = accounts.get(conn, invitation.customer_id)
    if display_name and named and display_name != named.display_name:
        accounts.update(conn, invitation.customer_id, display_name=display_name)
        chats.add_event(conn, invitation.chat_id, "renamed")  # consoles show the new name
    customer = accounts.get(conn, invitation.customer_id)
    chat = chats.get(conn, invitation.chat_id)
    assert customer is not None and chat is not None
    return customer, chat


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
