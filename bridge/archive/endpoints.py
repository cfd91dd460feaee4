"""Routes of the archive: supporters search and read archived chats (read-only)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel

from bridge.api.deps import CurrentSupporter
from bridge.api.inputs import NOT_TEXT
from bridge.archive import repository
from bridge.chats.schemas import MessageOut
from bridge.db import Database
from bridge.messages.crypto import MessageCipher

router = APIRouter(prefix="/api/archive/chats")


class ArchivedChatOut(BaseModel):
    """An archived chat as the api shows it."""

    id: uuid.UUID
    customer_name: str
    assignee_name: str | None
    subject: str
    created_at: datetime
    ended_at: datetime
    archived_at: datetime


def get_archive(request: Request) -> Database:
    """The archive database."""
    archive: Database = request.app.state.archive
    return archive


def get_archive_cipher(request: Request) -> MessageCipher:
    """Opens archived message bodies."""
    cipher: MessageCipher = request.app.state.archive_cipher
    return cipher


Archive = Annotated[Database, Depends(get_archive)]
ArchiveCipher = Annotated[MessageCipher, Depends(get_archive_cipher)]


@router.get("")
def search_archive(
    _: CurrentSupporter, archive: Archive, q: Annotated[str, Query(max_length=200)] = ""
) -> list[ArchivedChatOut]:
    """Archived chats whose customer name or subject contains `q`, newest first."""
    if NOT_TEXT.search(q):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "q must be plain text")
    rows = archive.run_sync(repository.search, q.strip())
    return [ArchivedChatOut.model_validate(row) for row in rows]


@router.get("/{chat_id}/messages")
def archived_messages(
    chat_id: uuid.UUID, _: CurrentSupporter, archive: Archive, cipher: ArchiveCipher
) -> list[MessageOut]:
    """An archived chat's messages, in order."""
    rows = archive.run_sync(repository.read, chat_id, cipher)
    if rows is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such archived chat")
    return [MessageOut.model_validate(row) for row in rows]
