"""Routes of the assistant: a signed-in user's message answered or handed over, and the button
that asks for a person."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from bots.assistant import handover, llm, ratings, service
from bots.assistant.schemas import HandoverOut, MessageIn, ReplyOut
from bots.knowledge.endpoints import KbEmbedder
from bridge.accounts.throttle import RequestThrottle
from bridge.api.deps import AppSettings, Cipher, CurrentSupporter, CurrentUser, DbConn
from bridge.chats import repository as chat_repository
from bridge.chats import service as chats
from bridge.chats.schemas import ChatOut
from bridge.chats.states import Status
from bridge.messages import repository as message_log
from bridge.metrics.catalog import ASSISTANT
from bridge.metrics.recorder import RECORDER

router = APIRouter(prefix="/api/bot")
person_router = APIRouter(prefix="/api/chats")

# A person types a few messages a minute; more is a script, and each one costs an embedding.
MESSAGES_PER_MINUTE = 30
throttle = RequestThrottle(f"{MESSAGES_PER_MINUTE}/minute")


def refuse_flood(throttle: RequestThrottle, key: str, what: str) -> None:
    """429 with Retry-After when this caller has used up the throttle's rate."""
    wait = throttle.retry_after(key)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"{what}; try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )


def get_llm(settings: AppSettings) -> llm.Llm | None:
    """The process's LLM if one is configured (its breaker shared by all requests)."""
    return llm.configured(settings)


AssistantLlm = Annotated[llm.Llm | None, Depends(get_llm)]


@router.post("/messages")
def message(
    body: MessageIn,
    user: CurrentUser,
    conn: DbConn,
    embedder: KbEmbedder,
    cipher: Cipher,
    writer: AssistantLlm,
) -> ReplyOut:
    """Answer from the knowledge base with sources, or hand over to a person (and say why).

    In a chat, two down-rated answers since the last handover make it hand over.

    429 with Retry-After after MESSAGES_PER_MINUTE messages of one user in a minute.
    """
    refuse_flood(throttle, str(user.id), "too many messages")
    if body.chat_id is not None:
        chats.get_visible(conn, chat_id=body.chat_id, user=user)  # 404 for someone else's chat
    with RECORDER.timed(ASSISTANT):
        reply = service.respond(
            conn,
            embedder=embedder,
            cipher=cipher,
            question=body.body,
            chat_id=body.chat_id,
            pressed_person_button=body.ask_for_person,
            down_ratings=ratings.down_rated_in_chat(conn, body.chat_id) if body.chat_id else 0,
            llm=writer,
        )
    return ReplyOut.of(reply)


@person_router.post("/{chat_id}/handover")
def ask_for_person(chat_id: uuid.UUID, user: CurrentUser, conn: DbConn, cipher: Cipher) -> ChatOut:
    """ "Talk to a person": the chat leaves the assistant for the queue, with a summary.

    Answers the chat as it is when a person already has it (pressing twice is harmless);
    409 once it has ended.
    """
    chat = chats.get_visible(conn, chat_id=chat_id, user=user)
    if chat.status is Status.ENDED:
        raise HTTPException(status.HTTP_409_CONFLICT, "the chat has ended")
    logged = message_log.list_for_chat(conn, chat.id, cipher)
    conversation = [said for row in logged if (said := handover.said_of(row))]
    summary = handover.summary(conversation, handover.ASKED_BY_BUTTON)
    moved = chats.hand_over(
        conn, cipher, chat_id=chat.id, reason=handover.ASKED_BY_BUTTON, summary=summary
    )
    return ChatOut.of(moved)


@person_router.get("/{chat_id}/handover")
def handover_summary(
    chat_id: uuid.UUID, supporter: CurrentSupporter, conn: DbConn, cipher: Cipher
) -> HandoverOut:
    """Why the assistant handed the chat over and what the customer asked (the queue's note).

    404 when the assistant never handed this chat over.
    """
    chat = chats.get_visible(conn, chat_id=chat_id, user=supporter)
    event = chat_repository.latest_event(conn, chat.id, "handed_over")
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the assistant did not hand this chat over")
    sealed = chats.sealed_text(event.payload)
    summary = cipher.open(sealed, chat_id=chat.id, message_id=str(event.payload["summary_id"]))
    return HandoverOut(reason=str(event.payload["reason"]), summary=summary)
