"""The question memory: learned questions teach the assistant which article answers."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
from sqlalchemy import text

from bots.assistant import memory
from bots.assistant.retrieval import prefer, retrieve
from bots.assistant.service import respond
from bots.embedding import Embedder
from bots.knowledge import learned
from bridge.db import Database
from bridge.messages.crypto import MessageCipher

QUESTION = "Es leuchtet nichts mehr am Lenker"
LEARNED = (
    '{"text": "Mein E-Bike geht nicht mehr an", "label": "akku-laedt-nicht"}\n'
    '{"text": "Die Anzeige am Lenker bleibt dunkel", "label": "akku-laedt-nicht"}\n'
    '{"text": "Der Motor unterstützt nicht mehr", "label": "akku-laedt-nicht"}\n'
    '{"text": "Wo bleibt mein Rad?", "label": "bestellung-verzoegert"}\n'
    '{"text": "Wie backe ich Brot?", "label": "oos"}\n'
)


def learn_file(db: Database, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`customer-chat bot learn FILE` against this database, as an operator runs it."""
    path = tmp_path / "learned.jsonl"
    path.write_text(LEARNED, encoding="utf-8")
    env = {
        **os.environ,
        "CUSTOMER_CHAT_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "CUSTOMER_CHAT_DATA_DIR": str(tmp_path / "data"),
        "CUSTOMER_CHAT_LOG_DIR": str(tmp_path / "logs"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", "bot", "learn", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def test_learned_questions_make_the_assistant_answer_from_their_article(
    kb: Database, embedder: Embedder, cipher: MessageCipher, tmp_path: Path
) -> None:
    def ask() -> list[str]:
        reply = kb.run_sync(
            lambda conn: respond(conn, embedder=embedder, cipher=cipher, question=QUESTION)
        )
        return [source.slug for source in reply.sources]

    assert ask() != ["akku-laedt-nicht"]  # without the memory: handed over
    first = learn_file(kb, tmp_path)
    assert first.stdout.strip() == (
        "learned 4 questions for 2 articles (0 known already, 1 without an article)"
    )
    assert ask() == ["akku-laedt-nicht"]
    again = learn_file(kb, tmp_path)
    assert again.stdout.strip().startswith("learned 0 questions for 2 articles (4 known already")


def test_the_memory_is_refitted_when_an_article_is_archived(
    kb: Database, embedder: Embedder, tmp_path: Path
) -> None:
    learn_file(kb, tmp_path)
    hits, ranked = kb.run_sync(retrieve, embedder, QUESTION, 10)
    assert hits[0].slug == "akku-laedt-nicht" and len(ranked) == 2
    kb.run_sync(
        lambda conn: conn.execute(
            text("UPDATE kb_articles SET archived = true WHERE slug = 'bestellung-verzoegert'")
        )
    )
    try:
        assert kb.run_sync(retrieve, embedder, QUESTION, 10)[1] == []  # one article: no memory
    finally:
        kb.run_sync(lambda conn: conn.execute(text("UPDATE kb_articles SET archived = false")))


def test_a_question_far_from_every_article_scores_below_its_own_articles_questions() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16))
    vectors = np.concatenate([c + 0.1 * rng.normal(size=(20, 16)) for c in centres])
    articles = [uuid.uuid4() for _ in centres]
    fitted = memory.Memory.fit(
        learned.Examples([a for a in articles for _ in range(20)], vectors.astype(np.float32))
    )
    assert fitted is not None
    near = fitted.rank((centres[1] + 0.05).astype(np.float32))
    far = fitted.rank((4 * rng.normal(size=16)).astype(np.float32))
    assert near[0][0] == articles[1] and near[0][1] > far[0][1]
    assert memory.Memory.fit(learned.Examples(articles[:1], vectors[:1])) is None


def test_search_order_is_kept_when_its_best_article_has_no_examples(
    kb: Database, embedder: Embedder
) -> None:
    hits, _ = kb.run_sync(retrieve, embedder, "Mein Fahrrad wurde gestohlen", 10)
    unknown_first = [(uuid.uuid4(), 1.0)]
    assert prefer(hits, unknown_first) == hits
    assert prefer([], unknown_first) == []
