"""Chat actions: each writes the database and queues the event the bridge announces."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, func

from bridge.accounts.repository import User
from bridge.chats import repository, states
from bridge.chats.repository import Chat, ChatSummary, Order
from bridge.chats.states import Status
from bridge.messages.crypto import MessageCipher, Sealed
from bridge.metrics import service as metrics

OPEN = (Status.BOT, Status.WAITING, Status.ACTIVE)


class ChatNotFound(LookupError):
    """No such chat, or not one this user may see."""


class ReplyRefused(PermissionError):
    """The supporter may not answer in this chat."""


class TransferRefused(ValueError):
    """The chat cannot be handed to that person by this one."""


def create(
    conn: Connection,
    *,
    customer: User,
    subject: str,
    room_service: str,
    with_assistant: bool = False,
) -> Chat:
    """Open a chat for a customer: with the assistant first, or straight into the queue."""
    first = Status.BOT if with_assistant else Status.WAITING
    chat_id = repository.insert_chat(
        conn, room_service=room_service, customer_id=customer.id, status=first, subject=subject
    )
    repository.add_event(conn, chat_id, "created", status=str(first))
    return _get(conn, chat_id)


def hand_over(
    conn: Connection, cipher: MessageCipher, *, chat_id: uuid.UUID, reason: str, summary: str
) -> Chat:
    """Move a chat from the assistant to the queue, with a short summary for the supporters.

    Idempotent: a chat already with a person (or ended) is left as it is. The summary
    waits in the event sealed like a logged message, as the database holds no text.
    """
    chat = _get(conn, chat_id, for_update=True)
    if chat.status is not Status.BOT:
        return chat
    repository.update_chat(conn, chat.id, status=Status.WAITING)
    summary_id = f"handover-{uuid.uuid4()}"
    repository.add_event(
        conn,
        chat.id,
        "handed_over",
        reason=reason,
        summary_id=summary_id,
        **_sealed_fields(cipher.seal(summary, chat_id=chat.id, message_id=summary_id)),
    )
    metrics.count_handoff(conn)
    return _get(conn, chat.id)


def hand_back(conn: Connection, *, chat_id: uuid.UUID, by: User) -> Chat:
    """Give an active chat back to the assistant (its supporter, or an admin)."""
    chat = _get(conn, chat_id, for_update=True)
    states.check(chat.status, Status.BOT)
    if chat.assignee_id != by.id and by.role != "admin":
        raise TransferRefused("only the supporter holding the chat (or an admin) can hand it back")
    repository.update_chat(conn, chat.id, status=Status.BOT, assignee_id=None)
    repository.add_event(conn, chat.id, "handed_back", by_id=str(by.id))
    return _get(conn, chat.id)


def get_visible(conn: Connection, *, chat_id: uuid.UUID, user: User) -> Chat:
    """Return the chat if the user may see it: staff all, customers their own."""
    chat = repository.get(conn, chat_id)
    if chat is None or not _may_see(user, chat):
        raise ChatNotFound("no such chat")
    return chat


def summary_visible(
    conn: Connection, *, chat_id: uuid.UUID, user: User, cipher: MessageCipher
) -> ChatSummary:
    """Return the chat with its latest message if the user may see it."""
    summary = repository.get_summary(conn, chat_id, cipher)
    if summary is None or not _may_see(user, summary.chat):
        raise ChatNotFound("no such chat")
    return summary


def list_visible(
    conn: Connection,
    *,
    user: User,
    cipher: MessageCipher,
    status: Status | None = None,
    order: Order = Order.OLDEST,
    limit: int = 200,
) -> list[ChatSummary]:
    """Return the chats a user may see, with their latest messages: staff all, customers own."""
    return repository.list_summaries(
        conn,
        cipher,
        statuses=(status,) if status else None,
        customer_id=None if user.is_staff else user.id,
        order=order,
        limit=limit,
    )


def queue(conn: Connection) -> list[Chat]:
    """The waiting chats, oldest first, then the active ones (which can be taken over)."""
    return repository.list_chats(conn, statuses=(Status.WAITING,)) + repository.list_chats(
        conn, statuses=(Status.ACTIVE,)
    )


def take(conn: Connection, *, chat_id: uuid.UUID, supporter: User) -> Chat:
    """Assign the chat to the supporter, taking it over from another if needed."""
    chat = _get(conn, chat_id, for_update=True)
    if chat.assignee_id == supporter.id and chat.status is Status.ACTIVE:
        return chat
    states.check(chat.status, Status.ACTIVE)
    repository.update_chat(conn, chat.id, status=Status.ACTIVE, assignee_id=supporter.id)
    repository.add_event(
        conn,
        chat.id,
        "taken",
        supporter_id=str(supporter.id),
        previous_id=str(chat.assignee_id) if chat.assignee_id else None,
    )
    return _get(conn, chat.id)


def end(conn: Connection, *, chat_id: uuid.UUID, by: User) -> Chat:
    """End the chat; the customer is told and can start a new one."""
    chat = _get(conn, chat_id, for_update=True)
    states.check(chat.status, Status.ENDED)
    repository.update_chat(conn, chat.id, status=Status.ENDED, ended_at=func.now())
    repository.add_event(conn, chat.id, "ended", by_id=str(by.id))
    return _get(conn, chat.id)


def transfer(conn: Connection, *, chat_id: uuid.UUID, by: User, to: User) -> Chat:
    """Hand an active chat from its supporter (or an admin) to another supporter."""
    chat = _get(conn, chat_id, for_update=True)
    states.check(chat.status, Status.ACTIVE)
    if chat.assignee_id != by.id and by.role != "admin":
        raise TransferRefused("only the supporter holding the chat (or an admin) can hand it on")
    if not to.is_staff or to.disabled or to.id == chat.assignee_id:
        raise TransferRefused("hand the chat to another enabled supporter")
    repository.update_chat(conn, chat.id, assignee_id=to.id)
    repository.add_event(
        conn, chat.id, "transferred", supporter_id=str(to.id), previous_id=str(chat.assignee_id)
    )
    return _get(conn, chat.id)


def reply_for(
    conn: Connection, cipher: MessageCipher, *, chat_id: uuid.UUID, supporter: User, text: str
) -> str:
    """Queue a reply the supporter chose outside the room (a picked suggestion); its id.

    The bridge posts it in the room under the supporter's name. The text waits in the
    outbox sealed like a logged message, so the database holds no message text.
    """
    chat = _get(conn, chat_id, for_update=True)
    if chat.status is not Status.ACTIVE or chat.assignee_id != supporter.id:
        raise ReplyRefused("only the supporter holding an active chat can answer in it")
    reply_id = f"reply-{uuid.uuid4()}"
    sealed = cipher.seal(text, chat_id=chat.id, message_id=reply_id)
    repository.add_event(
        conn,
        chat.id,
        "reply",
        supporter_id=str(supporter.id),
        reply_id=reply_id,
        **_sealed_fields(sealed),
    )
    return reply_id


def _sealed_fields(sealed: Sealed) -> dict[str, str]:
    return {
        "key_id": sealed.key_id,
        "nonce": sealed.nonce.hex(),
        "ciphertext": sealed.ciphertext.hex(),
    }


def sealed_text(payload: dict[str, Any]) -> Sealed:
    """The sealed text of a `reply` or `handed_over` event."""
    return Sealed(
        key_id=str(payload["key_id"]),
        nonce=bytes.fromhex(str(payload["nonce"])),
        ciphertext=bytes.fromhex(str(payload["ciphertext"])),
    )


def held_by(conn: Connection, supporter: User) -> list[Chat]:
    """The active chats assigned to the supporter, oldest first."""
    active = repository.list_chats(conn, statuses=(Status.ACTIVE,))
    return [chat for chat in active if chat.assignee_id == supporter.id]


def _may_see(user: User, chat: Chat) -> bool:
    return user.is_staff or chat.customer_id == user.id


def _get(conn: Connection, chat_id: uuid.UUID, *, for_update: bool = False) -> Chat:
    chat = repository.get(conn, chat_id, for_update=for_update)
    if chat is None:
        raise ChatNotFound("no such chat")
    return chat
