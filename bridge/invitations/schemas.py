"""Request and response models of the invitations api."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from bridge.accounts.schemas import SessionOut
from bridge.api.inputs import Input
from bridge.chats.schemas import ChatOut


class InvitationIn(Input):
    """Open a chat for a customer."""

    subject: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvitationOut(BaseModel):
    """The chat and the link to send the customer (the code is shown only now)."""

    chat: ChatOut
    code: str
    url: str
    expires_at: datetime


class AcceptIn(Input):
    """Come in through an invitation link."""

    display_name: str | None = Field(default=None, max_length=80)


class AcceptedOut(SessionOut):
    """The customer's session and the chat they were invited to."""

    chat: ChatOut
