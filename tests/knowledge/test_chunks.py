"""Chunking: passages along headings and paragraphs, each knowing where it sits."""

from __future__ import annotations

from bots.knowledge.chunks import MAX_WORDS, chunk


def words(count: int, word: str = "Rahmennummer") -> str:
    """A sentence of `count` words."""
    return " ".join([word] * (count - 1) + ["Ende."])


def test_each_section_becomes_a_chunk_under_its_heading_path() -> None:
    body = "\n\n".join(
        [
            "# Diebstahl melden",
            words(50, "Einleitung"),
            "## Anzeige bei der Polizei",
            words(60, "Polizei"),
            "### Aktenzeichen",
            words(45, "Aktenzeichen"),
            "## Meldung im Portal",
            words(70, "Portal"),
        ]
    )
    chunks = chunk("Diebstahl melden", body)
    assert [c.heading for c in chunks] == [
        "Diebstahl melden",
        "Diebstahl melden > Anzeige bei der Polizei",
        "Diebstahl melden > Anzeige bei der Polizei > Aktenzeichen",
        "Diebstahl melden > Meldung im Portal",
    ]
    assert [c.position for c in chunks] == [0, 1, 2, 3]
    assert chunks[3].text.startswith("Portal Portal")
    assert chunks[3].passage == f"Diebstahl melden > Meldung im Portal\n{chunks[3].text}"


def test_paragraphs_of_a_section_are_packed_up_to_the_size_limit() -> None:
    body = "## Kosten\n\n" + "\n\n".join(words(100, f"Absatz{i}") for i in range(5))
    chunks = chunk("Leasingrate", body)
    assert len(chunks) == 3
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert chunks[0].text.count("\n\n") == 1  # two paragraphs of 100 words each
    assert {c.heading for c in chunks} == {"Leasingrate > Kosten"}


def test_a_short_section_joins_its_neighbour_and_keeps_its_heading_as_text() -> None:
    body = "Kurze Einleitung.\n\n## Öffnungszeiten\n\nMontag bis Freitag, 8 bis 18 Uhr."
    chunks = chunk("Kontakt", body)
    assert len(chunks) == 1
    assert chunks[0].heading == "Kontakt"
    assert chunks[0].text == (
        "Kurze Einleitung.\n\nÖffnungszeiten\nMontag bis Freitag, 8 bis 18 Uhr."
    )


def test_a_very_long_paragraph_is_split_between_sentences() -> None:
    sentences = [f"Satz {i} erklärt die Übernahme des Rades am Vertragsende." for i in range(80)]
    chunks = chunk("Vertragsende", " ".join(sentences))
    assert len(chunks) >= 3
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)
    assert " ".join(c.text for c in chunks) == " ".join(sentences)


def test_headings_inside_code_blocks_are_text() -> None:
    body = "Im Terminal:\n\n```\n# kein Titel\n\nnoch Code\n```\n\nDanach."
    chunks = chunk("Export", body)
    assert len(chunks) == 1
    assert "# kein Titel\n\nnoch Code" in chunks[0].text


def test_an_empty_article_is_one_chunk_of_its_title() -> None:
    chunks = chunk("Nur ein Titel", "  \n")
    assert [(c.heading, c.text, c.passage) for c in chunks] == [
        ("Nur ein Titel", "", "Nur ein Titel")
    ]


def test_a_title_repeated_as_first_heading_is_not_doubled() -> None:
    chunks = chunk("Returns", "# Returns\n\n" + words(50, "return"))
    assert chunks[0].heading == "Returns"
