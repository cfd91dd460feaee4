"""Request and response models of the chats api."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime

from pydantic import BaseModel, Field

from bridge.api.inputs import Input
from bridge.chats.repository import Chat, ChatSummary


class PersonRef(BaseModel):
    """Who is on a chat."""

    id: uuid.UUID
    display_name: str


class ChatOut(BaseModel):
    """A chat as the api shows it."""

    id: uuid.UUID
    room_jid: str
    status: str
    subject: str
    customer: PersonRef
    assignee: PersonRef | None
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None

    @classmethod
    def of(cls, chat: Chat) -> ChatOut:
        """Describe a chat."""
        assignee = (
            PersonRef(id=chat.assignee_id, display_name=chat.assignee_name or "")
            if chat.assignee_id
            else None
        )
        return cls(
            id=chat.id,
            room_jid=chat.room_jid,
            status=chat.status,
            subject=chat.subject,
            customer=PersonRef(id=chat.customer_id, display_name=chat.customer_name),
            assignee=assignee,
            created_at=chat.created_at,
            updated_at=chat.updated_at,
            ended_at=chat.ended_at,
        )


class LastMessageOut(BaseModel):
    """A chat's latest customer or supporter message; status notices are left out."""

    sender_name: str
    kind: str = Field(description="customer or supporter")
    body: str
    readable: bool = Field(description="false when the body cannot be decrypted (then empty)")
    created_at: datetime


class ChatSummaryOut(ChatOut):
    """A chat as the lists show it: with its latest message and how long it has waited."""

    last_message: LastMessageOut | None = Field(description="null while nobody has written")
    waiting_since: datetime | None = Field(
        description="when it joined the queue; null unless waiting"
    )

    @classmethod
    def of_summary(cls, summary: ChatSummary) -> ChatSummaryOut:
        """Describe a chat with its latest message."""
        last = summary.last_message
        return cls(
            **dict(ChatOut.of(summary.chat)),
            last_message=None if last is None else LastMessageOut.model_validate(asdict(last)),
            waiting_since=summary.chat.waiting_since,
        )


class ChatIn(Input):
    """Open a chat."""

    subject: str = Field(default="", max_length=200)


class TransferIn(Input):
    """Whom to hand the chat to."""

    supporter_id: uuid.UUID


class MessageOut(BaseModel):
    """A logged room message."""

    id: int
    stanza_id: str
    origin_id: str | None
    sender: str
    sender_name: str
    kind: str
    body: str
    readable: bool = True
    created_at: datetime
