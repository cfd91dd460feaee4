"""`customer-chat archive import PATH.jsonl`: past chats into the archive, one chat a line.

Line format (ARCHITECTURE.md): `{"id"?, "customer"?, "ended_at"?, "messages": [{"role":
"user"|"supporter", "body", "created_at"?}]}`. A line that is not valid is reported
with its number and skipped; a chat whose id is already archived is left alone.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bridge.archive import repository
from bridge.archive.repository import ChatRecord
from bridge.db import Database
from bridge.messages.crypto import MessageCipher

KINDS = {"user": "customer", "supporter": "supporter"}
IMPORTED = uuid.UUID("6f1c3a52-4d0e-4e8b-9a51-1c2d3e4f5a6b")  # namespace of derived chat ids


@dataclass
class ImportReport:
    """What an import did."""

    imported: int = 0
    already_there: int = 0
    errors: list[str] = field(default_factory=list)


def import_file(path: Path, archive: Database, cipher: MessageCipher) -> ImportReport:
    """Import every valid line of the file."""
    report = ImportReport()
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = parse_chat(json.loads(line))
            except (ValueError, KeyError, TypeError) as error:
                report.errors.append(f"line {number}: {error}")
                continue
            if archive.run_sync(repository.insert_imported, record, cipher):
                report.imported += 1
            else:
                report.already_there += 1
    return report


def parse_chat(data: Any) -> ChatRecord:
    """Turn one line's object into a chat record; raise ValueError when it is not valid."""
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ValueError("a chat needs a list of messages")
    now = datetime.now(UTC)
    # Without an id, the same line always gets the same one: importing twice is harmless.
    chat_id = (
        uuid.UUID(str(data["id"])) if data.get("id") else uuid.uuid5(IMPORTED, _canonical(data))
    )
    customer = str(data.get("customer") or "Customer")[:80]
    messages = [_message(chat_id, n, m, customer) for n, m in enumerate(data["messages"])]
    first = messages[0]["created_at"] if messages else now
    ended = _time(data.get("ended_at")) or (messages[-1]["created_at"] if messages else now)
    return ChatRecord(
        chat_id,
        None,
        customer,
        None,
        str(data.get("subject") or "")[:200],
        first,
        ended,
        None,
        messages,
    )


def _message(chat_id: uuid.UUID, number: int, data: Any, customer: str) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("role") not in KINDS:
        raise ValueError(f"message {number + 1}: role must be 'user' or 'supporter'")
    body = data.get("body")
    if not isinstance(body, str) or not body or "\x00" in body:
        raise ValueError(f"message {number + 1}: body must be non-empty text")
    kind = KINDS[data["role"]]
    return {
        "stanza_id": f"import-{number:06d}",
        "origin_id": None,
        "sender": f"import:{chat_id}:{kind}",
        "sender_name": customer if kind == "customer" else "Support",
        "kind": kind,
        "body": body,
        "created_at": _time(data.get("created_at")) or datetime.now(UTC),
    }


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
