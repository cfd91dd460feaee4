"""`keys reencrypt` moves the decision log's questions to the newest key, readable as before."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import Connection, text

from bots.assistant import repository
from bridge.db import Database
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.settings import Settings


def test_rotated_key_then_reencrypt_moves_old_questions_and_keeps_them_readable(
    empty_kb: Database, tmp_path: Path
) -> None:
    cipher = MessageCipher(KeyStore.for_messages(Settings(data_dir=tmp_path)))
    old = uuid.uuid4()

    def log(conn: Connection, decision_id: uuid.UUID, question: str) -> None:
        repository.insert_decision(
            conn,
            decision_id=decision_id,
            chat_id=None,
            sealed=repository.seal_question(cipher, question, decision_id=decision_id),
            action="answer",
            reason="confident",
            scores={},
            article_ids=[],
            latency_ms=1.0,
        )

    def key_ids(conn: Connection) -> dict[uuid.UUID, str]:
        rows = conn.execute(text("SELECT id, key_id FROM assistant_decisions"))
        return {row.id: row.key_id for row in rows}

    empty_kb.run_sync(log, old, "Wie kündige ich meinen Vertrag?")
    new_key = cipher.store.rotate()
    new = uuid.uuid4()
    empty_kb.run_sync(log, new, "Wo ist mein Rad?")
    assert empty_kb.run_sync(key_ids) == {old: "k1", new: new_key}

    assert empty_kb.run_sync(repository.reencrypt_questions, cipher) == (1, old)
    assert empty_kb.run_sync(repository.reencrypt_questions, cipher, after_id=old) == (0, None)
    assert empty_kb.run_sync(key_ids) == {old: new_key, new: new_key}
    questions = {row.id: row.question for row in empty_kb.run_sync(repository.decisions, cipher)}
    assert questions == {old: "Wie kündige ich meinen Vertrag?", new: "Wo ist mein Rad?"}
