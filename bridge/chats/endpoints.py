"""Routes of the chats domain."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import Engine

from bridge.accounts import repository as accounts
from bridge.accounts.repository import User
from bridge.api.deps import (
    AppSettings,
    Cipher,
    CurrentSupporter,
    CurrentUser,
    DbConn,
    get_engine,
)
from bridge.chats import repository, service
from bridge.chats.repository import Order
from bridge.chats.schemas import ChatIn, ChatOut, ChatSummaryOut, MessageOut, TransferIn
from bridge.chats.states import Status
from bridge.db import Database
from bridge.messages import repository as message_log

router = APIRouter(prefix="/api/chats")

ROOM_READY_TIMEOUT = 10.0

ListOrder = Annotated[
    Order, Query(description="oldest: opened first (the queue); recent: changed last first")
]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_chat(
    body: ChatIn,
    user: CurrentUser,
    settings: AppSettings,
    engine: Annotated[Engine, Depends(get_engine)],
) -> ChatOut:
    """Open a chat; answers once its room exists and the customer may join it."""
    if user.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only customers open chats")
    db = Database(engine)
    chat = await db.run(
        lambda conn: service.create(
            conn,
            customer=user,
            subject=body.subject.strip(),
            room_service=settings.muc_service,
            with_assistant=settings.bot_enabled,
        )
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ROOM_READY_TIMEOUT
    while not chat.room_ready:
        if loop.time() > deadline:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "the chat service is not reachable right now; please try again shortly",
            )
        await asyncio.sleep(0.05)
        fresh: repository.Chat | None = await db.run(repository.get, chat.id)
        chat = fresh or chat
    return ChatOut.of(chat)


@router.get("")
def list_chats(
    user: CurrentUser,
    conn: DbConn,
    cipher: Cipher,
    status: Annotated[Status | None, Query()] = None,
    order: ListOrder = Order.OLDEST,
    limit: Annotated[int, Query(ge=1, le=200)] = 200,
) -> list[ChatSummaryOut]:
    """Chats with their latest message: supporters see all, customers their own."""
    summaries = service.list_visible(
        conn, user=user, cipher=cipher, status=status, order=order, limit=limit
    )
    return [ChatSummaryOut.of_summary(summary) for summary in summaries]


@router.get("/{chat_id}")
def get_chat(chat_id: uuid.UUID, user: CurrentUser, conn: DbConn, cipher: Cipher) -> ChatSummaryOut:
    """One chat with its latest message."""
    summary = service.summary_visible(conn, chat_id=chat_id, user=user, cipher=cipher)
    return ChatSummaryOut.of_summary(summary)


@router.get("/{chat_id}/messages")
def chat_messages(
    chat_id: uuid.UUID, user: CurrentUser, conn: DbConn, cipher: Cipher
) -> list[MessageOut]:
    """The chat's messages from the log, in order."""
    chat = _visible(conn, chat_id, user)
    rows = message_log.list_for_chat(conn, chat.id, cipher)
    return [MessageOut.model_validate(row) for row in rows]


@router.post("/{chat_id}/take")
def take_chat(chat_id: uuid.UUID, supporter: CurrentSupporter, conn: DbConn) -> ChatOut:
    """Take a waiting chat, or take over one another supporter holds."""
    return ChatOut.of(service.take(conn, chat_id=chat_id, supporter=supporter))


@router.post("/{chat_id}/transfer")
def transfer_chat(
    chat_id: uuid.UUID, body: TransferIn, supporter: CurrentSupporter, conn: DbConn
) -> ChatOut:
    """Hand an active chat to another supporter; the customer and both supporters are told."""
    colleague = accounts.get(conn, body.supporter_id)
    if colleague is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such supporter")
    return ChatOut.of(service.transfer(conn, chat_id=chat_id, by=supporter, to=colleague))


@router.post("/{chat_id}/handback")
def hand_back_chat(chat_id: uuid.UUID, supporter: CurrentSupporter, conn: DbConn) -> ChatOut:
    """Give an active chat back to the assistant."""
    return ChatOut.of(service.hand_back(conn, chat_id=chat_id, by=supporter))


@router.post("/{chat_id}/end")
def end_chat(chat_id: uuid.UUID, supporter: CurrentSupporter, conn: DbConn) -> ChatOut:
    """End a chat."""
    return ChatOut.of(service.end(conn, chat_id=chat_id, by=supporter))


def _visible(conn: DbConn, chat_id: uuid.UUID, user: User) -> repository.Chat:
    return service.get_visible(conn, chat_id=chat_id, user=user)
