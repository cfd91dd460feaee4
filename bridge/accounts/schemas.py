"""Request and response models of the accounts api."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from bridge.accounts.repository import User
from bridge.api.inputs import Input


class UserOut(BaseModel):
    """A user as the api shows it."""

    id: uuid.UUID
    display_name: str
    role: str
    username: str | None
    email: str | None
    disabled: bool = False

    @classmethod
    def of(cls, user: User) -> UserOut:
        """Describe a user."""
        return cls(
            id=user.id,
            display_name=user.display_name,
            role=user.role,
            username=user.username,
            email=user.email,
            disabled=user.disabled,
        )


class XmppAccount(BaseModel):
    """Where and as whom the page logs into XMPP (the password is the token)."""

    jid: str
    websocket_url: str
    domain: str


class SessionOut(BaseModel):
    """A signed-in user with their session token."""

    user: UserOut
    token: str
    xmpp: XmppAccount


class GuestIn(Input):
    """Start as a guest customer."""

    display_name: str = Field(min_length=1, max_length=80)


class RegisterIn(Input):
    """Open a customer account."""

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=1, max_length=1024)
    display_name: str = Field(min_length=1, max_length=80)


class StaffIn(Input):
    """Create a supporter or admin."""

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    role: Literal["supporter", "admin"]
    password: str = Field(min_length=1, max_length=1024)
    username: str | None = Field(default=None, max_length=63)
    display_name: str | None = Field(default=None, max_length=80)


class StaffChange(Input):
    """Disable or enable a staff account, or set a new password."""

    disabled: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=1024)


class LoginIn(Input):
    """Sign in with email (or staff username) and password."""

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class ExtauthIn(Input):
    """One question of ejabberd's external authentication protocol."""

    command: str = Field(max_length=32)
    user: str = Field(max_length=1023)
    server: str = Field(max_length=1023)
    password: str = Field(default="", max_length=8192)


class ExtauthOut(BaseModel):
    """The answer: allowed or not."""

    ok: bool
