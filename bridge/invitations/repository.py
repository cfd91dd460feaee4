"""All SQL of the invitations domain."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from bridge.db import invitations


@dataclass(frozen=True)
class Invitation:
    """An invitation as stored (the code itself is never stored)."""

    code_hash: str
    chat_id: uuid.UUID
    customer_id: uuid.UUID
    created_by: uuid.UUID
    email: str | None
    expires_at: datetime
    created_at: datetime


def insert_invitation(conn: Connection, **values: object) -> None:
    """Store an invitation."""
    conn.execute(insert(invitations).values(**values))


def get(conn: Connection, code_hash: str) -> Invitation | None:
    """The invitation with this code hash."""
    row = conn.execute(select(invitations).where(invitations.c.code_hash == code_hash)).first()
    return None if row is None else Invitation(**row._mapping)
