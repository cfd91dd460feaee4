"""Example questions: the list under a questions heading, one chunk each, after the passages."""

from __future__ import annotations

from bots.knowledge.questions import questions

BODY = """Wir holen das Rad ab.

## Häufige Fragen

- Wann wird mein Rad abgeholt?
* Muss ich zu Hause sein?
1. Kostet die Abholung etwas?

## Ablauf

- Termin wählen
"""


def test_the_items_under_a_questions_heading_are_the_example_questions() -> None:
    found = questions("Abholung", BODY, start=2)
    assert [q.text for q in found] == [
        "Wann wird mein Rad abgeholt?",
        "Muss ich zu Hause sein?",
        "Kostet die Abholung etwas?",
    ]
    assert [q.position for q in found] == [2, 3, 4]
    assert {q.kind for q in found} == {"question"}
    assert found[0].heading == "Abholung > Häufige Fragen"


def test_an_article_without_such_a_heading_has_none() -> None:
    assert questions("Abholung", "## Ablauf\n\n- Termin wählen\n- Rad bereitstellen", start=1) == []
