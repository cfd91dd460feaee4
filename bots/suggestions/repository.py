"""All SQL of suggestions: archived chats for training, model versions, what supporters did."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, union_all

from bots.suggestions.conversations import ArchivedChat, Turn, turn_of
from bots.suggestions.modules import AnswerModule
from bots.suggestions.prior import HELPFUL, UNHELPFUL, Keyed, Record
from bots.suggestions.tables import answer_modules, suggestion_feedback, suggestion_models
from bridge.archive.tables import archived_chats, archived_messages
from bridge.messages.crypto import MessageCipher, Sealed
from bridge.messages.repository import opened

RATINGS = ("up", "down", "unrated")  # "unrated" takes a rating back
CHOICES = ("chosen", "edited")


@dataclass(frozen=True)
class StoredModule:
    """An answer module as stored with its model version."""

    id: int
    position: int
    text: str
    language: str
    uses: int
    key: str


@dataclass(frozen=True)
class StoredModel:
    """A trained model version: its bytes, figures and modules."""

    version: int
    created_at: datetime
    embedder: str
    metrics: dict[str, Any]
    dataset: dict[str, Any]
    training_seconds: float
    size_bytes: int
    model: bytes
    modules: list[StoredModule]


def archived_conversations(conn: Connection, cipher: MessageCipher) -> list[ArchivedChat]:
    """Every archived chat with its readable customer and supporter messages, in order."""
    chats = {
        row.id: row
        for row in conn.execute(
            select(
                archived_chats.c.id, archived_chats.c.customer_name, archived_chats.c.assignee_name
            )
        )
    }
    turns: dict[uuid.UUID, list[Turn]] = {chat_id: [] for chat_id in chats}
    query = select(archived_messages).order_by(
        archived_messages.c.chat_id, archived_messages.c.created_at, archived_messages.c.id
    )
    for row in conn.execute(query):
        message = opened(dict(row._mapping), cipher)
        turn = turn_of(message["kind"], message["sender"], message["body"])
        if message["readable"] and turn is not None:
            turns[message["chat_id"]].append(turn)
    return [
        ArchivedChat(chat_id, chat.customer_name, chat.assignee_name, tuple(turns[chat_id]))
        for chat_id, chat in sorted(chats.items())
    ]


def store_model(
    conn: Connection,
    *,
    embedder: str,
    metrics: dict[str, Any],
    dataset: dict[str, Any],
    training_seconds: float,
    model: bytes,
    modules: list[AnswerModule],
) -> int:
    """Store a trained model and its modules as the next version; return the version."""
    version: int = conn.execute(
        insert(suggestion_models)
        .values(
            embedder=embedder,
            metrics=metrics,
            dataset=dataset,
            training_seconds=training_seconds,
            size_bytes=len(model),
            model=model,
        )
        .returning(suggestion_models.c.version)
    ).scalar_one()
    conn.execute(
        insert(answer_modules),
        [
            {
                "model_version": version,
                "position": module.position,
                "text": module.text,
                "key": module.key,
                "language": module.language,
                "uses": module.uses,
            }
            for module in modules
        ],
    )
    return version


def newest_version(conn: Connection) -> int | None:
    """The newest model version, or None before the first training."""
    version: int | None = conn.execute(select(func.max(suggestion_models.c.version))).scalar()
    return version


def get_model(conn: Connection, version: int) -> StoredModel | None:
    """A stored model version with its modules."""
    row = conn.execute(
        select(suggestion_models).where(suggestion_models.c.version == version)
    ).first()
    if row is None:
        return None
    modules = [
        StoredModule(m.id, m.position, m.text, m.language, m.uses, m.key)
        for m in conn.execute(
            select(answer_modules)
            .where(answer_modules.c.model_version == version)
            .order_by(answer_modules.c.position)
        )
    ]
    return StoredModel(
        row.version,
        row.created_at,
        row.embedder,
        row.metrics,
        row.dataset,
        row.training_seconds,
        row.size_bytes,
        bytes(row.model),
        modules,
    )


@dataclass(frozen=True)
class Shown:
    """A suggestion shown to a supporter: its id is the one they send or rate it by."""

    id: int
    chat_id: uuid.UUID
    supporter_id: uuid.UUID
    rank: int
    module_id: int
    module_text: str
    fallback: bool
    question_cluster: str | None


@dataclass(frozen=True)
class Handled:
    """What the supporter did with a shown suggestion so far."""

    sent: bool = False
    rating: str | None = None  # "up" or "down", the latest


def record_shown(
    conn: Connection,
    *,
    chat_id: uuid.UUID,
    supporter_id: uuid.UUID,
    modules: list[tuple[int, bool]],
    question_cluster: str,
) -> list[Shown]:
    """Remember the suggestions just shown, best first: (module id, whether a stand-in)."""
    rows = conn.execute(
        insert(suggestion_feedback).returning(suggestion_feedback.c.id),
        [
            {
                "module_id": module_id,
                "chat_id": chat_id,
                "supporter_id": supporter_id,
                "rank": rank,
                "action": "shown",
                "fallback": fallback,
                "question_cluster": question_cluster,
            }
            for rank, (module_id, fallback) in enumerate(modules, start=1)
        ],
    )
    ids = [row.id for row in rows]
    found = conn.execute(_select_shown().where(suggestion_feedback.c.id.in_(ids)))
    return sorted((Shown(**row._mapping) for row in found), key=lambda shown: shown.rank)


def _select_shown() -> Any:
    return select(
        suggestion_feedback.c.id,
        suggestion_feedback.c.chat_id,
        suggestion_feedback.c.supporter_id,
        suggestion_feedback.c.rank,
        suggestion_feedback.c.module_id,
        answer_modules.c.text.label("module_text"),
        suggestion_feedback.c.fallback,
        suggestion_feedback.c.question_cluster,
    ).join(answer_modules, answer_modules.c.id == suggestion_feedback.c.module_id)


def get_shown(conn: Connection, shown_id: int) -> Shown | None:
    """A shown suggestion by its id."""
    row = conn.execute(
        _select_shown().where(
            suggestion_feedback.c.id == shown_id, suggestion_feedback.c.action == "shown"
        )
    ).first()
    return Shown(**row._mapping) if row is not None else None


def latest_shown(conn: Connection, *, chat_id: uuid.UUID, supporter_id: uuid.UUID) -> list[Shown]:
    """The three suggestions the supporter was shown last in this chat, best first."""
    rows = conn.execute(
        _select_shown()
        .where(
            suggestion_feedback.c.chat_id == chat_id,
            suggestion_feedback.c.supporter_id == supporter_id,
            suggestion_feedback.c.action == "shown",
        )
        .order_by(suggestion_feedback.c.id.desc())
        .limit(3)
    ).all()
    return sorted((Shown(**row._mapping) for row in rows), key=lambda shown: shown.rank)


def handled(conn: Connection, shown: Shown) -> Handled:
    """Whether the shown suggestion was sent since, and its latest rating."""
    feedback = suggestion_feedback.c
    actions = list(
        conn.execute(
            select(feedback.action).where(feedback.shown_id == shown.id).order_by(feedback.id)
        ).scalars()
    )
    ratings = [action for action in actions if action in RATINGS]
    latest = ratings[-1] if ratings else None
    return Handled(
        sent=any(action in ("chosen", "edited") for action in actions),
        rating=latest if latest != "unrated" else None,
    )


def record_action(
    conn: Connection, shown: Shown, action: str, edited: Sealed | None = None
) -> None:
    """Remember what the supporter did with a shown suggestion (chosen, edited, rated)."""
    conn.execute(
        insert(suggestion_feedback).values(
            shown_id=shown.id,
            module_id=shown.module_id,
            chat_id=shown.chat_id,
            supporter_id=shown.supporter_id,
            rank=shown.rank,
            action=action,
            question_cluster=shown.question_cluster,
            edited_ciphertext=edited.ciphertext if edited else None,
            edited_nonce=edited.nonce if edited else None,
            edited_key_id=edited.key_id if edited else None,
        )
    )


def feedback_records(conn: Connection) -> dict[Keyed, Record]:
    """Each module's record with supporters per question cluster, by module key.

    Keys carry over across model versions; a cluster is a module key too. Every
    choice counts, but of a suggestion's ratings only the latest (changed or
    taken back, the earlier ones no longer count).
    """
    feedback = suggestion_feedback.c
    rated = func.coalesce(feedback.shown_id, feedback.id)  # rows from before shown_id: their own
    newest_first = (
        func.row_number().over(partition_by=rated, order_by=feedback.id.desc()).label("newest")
    )
    ratings = (
        select(feedback.question_cluster, feedback.module_id, feedback.action, newest_first)
        .where(feedback.action.in_(RATINGS))
        .subquery()
    )
    latest_ratings = select(
        ratings.c.question_cluster, ratings.c.module_id, ratings.c.action
    ).where(ratings.c.newest == 1)
    choices = select(feedback.question_cluster, feedback.module_id, feedback.action).where(
        feedback.action.in_(CHOICES)
    )
    counted = union_all(latest_ratings, choices).subquery()
    rows = conn.execute(
        select(
            counted.c.question_cluster,
            answer_modules.c.key,
            func.count().filter(counted.c.action.in_(HELPFUL)).label("helpful"),
            func.count().filter(counted.c.action.in_(UNHELPFUL)).label("unhelpful"),
        )
        .join(answer_modules, answer_modules.c.id == counted.c.module_id)
        .group_by(counted.c.question_cluster, answer_modules.c.key)
    )
    return {(row.question_cluster, row.key): Record(row.helpful, row.unhelpful) for row in rows}
