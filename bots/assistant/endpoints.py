"""Route of the assistant: a signed-in user's message, answered or handed over."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from bots.assistant import llm, service
from bots.assistant.schemas import MessageIn, ReplyOut
from bots.knowledge.endpoints import KbEmbedder
from bridge.accounts.throttle import RequestThrottle
from bridge.api.deps import AppSettings, Cipher, CurrentUser, DbConn
from bridge.chats import service as chats

router = APIRouter(prefix="/api/bot")

# A person types a few messages a minute; more is a script, and each one costs an embedding.
MESSAGES_PER_MINUTE = 30
throttle = RequestThrottle(f"{MESSAGES_PER_MINUTE}/minute")


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

    429 with Retry-After after MESSAGES_PER_MINUTE messages of one user in a minute.
    """
    wait = throttle.retry_after(str(user.id))
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many messages; try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )
    if body.chat_id is not None:
        chats.get_visible(conn, chat_id=body.chat_id, user=user)  # 404 for someone else's chat
    reply = service.respond(
        conn,
        embedder=embedder,
        cipher=cipher,
        question=body.body,
        chat_id=body.chat_id,
        pressed_person_button=body.ask_for_person,
        llm=writer,
    )
    return ReplyOut.of(reply)
