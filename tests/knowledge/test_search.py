"""Hybrid search: what a supporter (or the assistant) finds for a question."""

from __future__ import annotations

from sqlalchemy import Connection, text

from bots.embedding import Embedder
from bots.knowledge import service
from bots.knowledge.indexer import index_stale
from bots.knowledge.repository import Content, vector_literal
from bots.knowledge.search import (
    QUESTION_WEIGHT,
    RRF_K,
    SEARCH_SQL,
    TEXT_WEIGHT,
    Hit,
    search,
)
from bridge.db import Database


def ask(kb: Database, embedder: Embedder, question: str, limit: int = 5) -> list[Hit]:
    """Search as the api does."""
    return kb.run_sync(search, embedder, question, limit)


def test_a_german_question_finds_the_german_article(kb: Database, embedder: Embedder) -> None:
    hits = ask(kb, embedder, "Mein Fahrrad wurde gestohlen, was muss ich jetzt tun?")
    assert hits[0].slug == "diebstahl-melden"
    assert hits[0].language == "de"
    assert hits[0].title == "Diebstahl des Fahrrads melden"


def test_an_english_question_finds_the_english_article(kb: Database, embedder: Embedder) -> None:
    hits = ask(kb, embedder, "Someone stole my bike. What do I have to do?")
    assert hits[0].slug == "report-a-stolen-bike"
    assert hits[0].language == "en"


def test_a_question_by_meaning_alone_finds_its_article(kb: Database, embedder: Embedder) -> None:
    hits = ask(kb, embedder, "E-Bike Batterie wird nicht voll")
    assert hits[0].slug == "akku-laedt-nicht"


def test_an_order_number_is_found_by_its_words(kb: Database, embedder: Embedder) -> None:
    hits = ask(kb, embedder, "RB-48213")
    assert hits[0].slug == "bestellung-verzoegert"
    assert hits[0].text_rank == 1 and hits[0].text_score is not None
    assert "RB-48213" in hits[0].text
    assert all(hit.text_score is None for hit in hits[1:])  # no other article has it


def test_hits_show_each_side_s_score_and_are_ordered_by_the_fused_one(
    kb: Database, embedder: Embedder
) -> None:
    hits = ask(kb, embedder, "Diebstahl Polizei Anzeige", limit=10)
    assert [h.fused for h in hits] == sorted((h.fused for h in hits), reverse=True)
    for hit in hits:
        by_text = TEXT_WEIGHT / (RRF_K + hit.text_rank) if hit.text_rank else 0
        assert abs(hit.fused - (1 / (RRF_K + hit.vector_rank) + by_text)) < 1e-9
        assert -1 <= hit.vector_score <= 1
        assert hit.question_score is None  # these articles list no example questions
        assert abs(hit.meaning - max(h.vector_score for h in hits if h.slug == hit.slug)) < 1e-6
    assert hits[0].vector_rank is not None and hits[0].text_rank is not None
    assert hits[0].heading.startswith("Diebstahl des Fahrrads melden")


def test_a_blank_or_hostile_question_finds_nothing_harmful(
    kb: Database, embedder: Embedder
) -> None:
    assert ask(kb, embedder, "   ") == []
    ask(kb, embedder, "'; DROP TABLE kb_articles; -- <script>alert(1)</script> \" or or -")
    assert len(ask(kb, embedder, "Rahmennummer")) >= 1


def test_the_nearest_chunks_can_come_from_the_hnsw_index(kb: Database, embedder: Embedder) -> None:
    vector = embedder.embed(["Akku"])[0]

    def plan(conn: Connection) -> str:
        conn.execute(text("SET LOCAL enable_sort = off"))  # as the planner does on a big table
        rows = conn.execute(
            text(
                "EXPLAIN "
                + SEARCH_SQL.format(dim=384, rrf_k=RRF_K, question_weight=QUESTION_WEIGHT)
            ),
            {
                "words": "Akku",
                "vector": vector_literal(vector),
                "embedder": embedder.name,
                "candidates": 40,
                "limit": 5,
                "text_weight": TEXT_WEIGHT,
            },
        )
        return "\n".join(row[0] for row in rows)

    assert "kb_chunks_hnsw_e5_small_q4" in kb.run_sync(plan)


def test_an_article_is_found_by_its_example_questions_which_are_never_hits(
    empty_kb: Database, embedder: Embedder
) -> None:
    asked = "## Questions customers ask\n\n- Can I take the leased bike on holiday abroad?\n"
    for title, body in (
        ("Insurance cover", "The bike is insured against theft and damage all over Europe."),
        ("Travelling with the bike", "Tell us the dates and we note them in your contract."),
    ):
        content = Content(title, body + ("\n\n" + asked if "dates" in body else ""), "en")
        empty_kb.run_sync(lambda conn, c=content: service.create(conn, content=c, by=None))
    index_stale(empty_kb, embedder)
    hits = ask(empty_kb, embedder, "Am I allowed to bring my bike to Italy for my vacation?")
    assert hits[0].slug == "travelling-with-the-bike"
    assert hits[0].question_score is not None and hits[0].question_score > hits[0].vector_score
    assert all("Questions customers ask" not in hit.heading for hit in hits)
