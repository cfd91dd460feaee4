"""The assistant answers from the knowledge base with its source, or hands over, and logs why."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, text

from bots.assistant import repository
from bots.assistant.answer import clean
from bots.assistant.decide import Reason, after_llm, decide
from bots.assistant.service import Reply, respond
from bots.embedding import Embedder
from bridge.db import Database
from bridge.messages.crypto import MessageCipher


def ask(db: Database, embedder: Embedder, cipher: MessageCipher, question: str) -> Reply:
    """The assistant's reply, committed with its log row."""
    return db.run_sync(
        lambda conn: respond(conn, embedder=embedder, cipher=cipher, question=question)
    )


def test_german_theft_question_is_answered_from_the_german_theft_article(
    kb: Database, embedder: Embedder, cipher: MessageCipher
) -> None:
    reply = ask(kb, embedder, cipher, "Mein Fahrrad wurde gestohlen, was muss ich tun?")
    assert not reply.handed_off and reply.reason is Reason.CONFIDENT
    assert [(s.slug, s.url) for s in reply.sources] == [
        ("diebstahl-melden", "/kb/diebstahl-melden")
    ]
    assert "Diebstahl" in reply.answer and "##" not in reply.answer


def test_off_topic_question_is_handed_over(
    kb: Database, embedder: Embedder, cipher: MessageCipher
) -> None:
    reply = ask(kb, embedder, cipher, "Wie backe ich einen Apfelkuchen mit Streuseln?")
    assert reply.handed_off and reply.reason is Reason.LOW_CONFIDENCE and reply.sources == []


def test_asking_for_a_person_is_handed_over(
    kb: Database, embedder: Embedder, cipher: MessageCipher
) -> None:
    reply = ask(kb, embedder, cipher, "Ich möchte mit einem Menschen sprechen")
    assert reply.handed_off and reply.reason is Reason.ASKED_FOR_PERSON
    assert "Mitarbeiter" in reply.answer


def test_decisions_are_logged_with_scores_and_the_question_only_encrypted(
    kb: Database, embedder: Embedder, cipher: MessageCipher
) -> None:
    question = "Der Akku meines E-Bikes lädt nicht mehr, Zeichen XQ-77"
    reply = ask(kb, embedder, cipher, question)

    def read(conn: Connection) -> tuple[list[repository.LoggedDecision], str]:
        dump = conn.execute(text("SELECT string_agg(d::text, ' ') FROM assistant_decisions d"))
        return repository.decisions(conn, cipher), str(dump.scalar_one())

    logged, dump = kb.run_sync(read)
    mine = next(row for row in logged if row.id == reply.decision_id)
    assert mine.question == question and mine.reason == reply.reason.value
    assert {"meaning_top", "meaning_margin", "confidence", "threshold"} <= set(mine.scores)
    assert mine.latency_ms > 0 and mine.article_ids
    assert "XQ-77" not in dump and "Akku" not in dump


def test_down_rated_answers_and_llm_failures_hand_over() -> None:
    assert decide("Wie lade ich den Akku?", [], down_ratings=2).reason is Reason.DOWN_RATED
    decision = decide("Wie lade ich den Akku?", [], pressed_person_button=True)
    assert decision.reason is Reason.ASKED_FOR_PERSON
    assert decide("Wie lade ich den Akku?", []).reason is Reason.LOW_CONFIDENCE


def test_llm_unavailable_or_abstaining_hands_over(
    kb: Database, embedder: Embedder, cipher: MessageCipher
) -> None:
    from bots.knowledge.search import search

    hits = kb.run_sync(search, embedder, "Mein Fahrrad wurde gestohlen, was muss ich tun?", 10)
    confident = decide("Mein Fahrrad wurde gestohlen, was muss ich tun?", hits)
    assert not confident.handed_off
    assert after_llm(confident, available=False, abstained=False).reason is Reason.LLM_UNAVAILABLE
    assert after_llm(confident, available=True, abstained=True).reason is Reason.LLM_ABSTAINED
    assert after_llm(confident, available=True, abstained=False) is confident
    blocked = after_llm(confident, available=True, abstained=False, blocked=True)
    assert blocked.handed_off and blocked.reason is Reason.OUTPUT_BLOCKED
    low = decide("Wie backe ich einen Apfelkuchen mit Streuseln?", [])
    assert after_llm(low, available=False, abstained=False) is low


def test_markdown_is_cleaned_and_lists_stay_readable() -> None:
    markdown = (
        "## Schritte\n\nGehe **sofort** zur [Polizei](https://x.de):\n\n- Rahmennummer\n* Beleg"
    )
    assert clean(markdown) == "Schritte\n\nGehe sofort zur Polizei:\n\n• Rahmennummer\n• Beleg"


def test_evaluate_prints_the_three_figures_on_a_labelled_file(
    kb: Database, embedder: Embedder, tmp_path: Path
) -> None:
    from bots.assistant.calibrate import figures
    from bots.assistant.evaluation import read_labelled, run

    path = tmp_path / "questions.jsonl"
    path.write_text(
        '{"text": "Mein Fahrrad wurde gestohlen, was muss ich tun?", "label": "diebstahl-melden"}\n'
        '{"text": "Wie backe ich einen Apfelkuchen mit Streuseln?", "label": "oos"}\n'
    )
    outcomes = kb.run_sync(run, embedder, read_labelled(path))
    line = figures([(o.judged, o.handed_off) for o in outcomes]).line()
    assert line.startswith("in-scope right article 100.0% · in-scope wrongly handed over 0.0%")
    assert "out-of-scope handed over 100.0%" in line


def test_english_question_is_answered_from_the_english_article_on_the_same_topic(
    kb: Database, embedder: Embedder, cipher: MessageCipher
) -> None:
    reply = ask(kb, embedder, cipher, "My bike was stolen, what do I have to do?")
    assert not reply.handed_off
    assert [s.slug for s in reply.sources] == ["report-a-stolen-bike"]
