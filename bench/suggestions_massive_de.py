"""Reply suggestions on German MASSIVE: does the ranking handle German? Top-3 reported.

MASSIVE de-DE (Amazon, CC BY 4.0; split by the SuperGLEBer project,
../shared/datasets/massive_de): voice-assistant utterances with 60 intents, not
customer service. The intents have no answers and no names in this copy, so
each gets a generated answer of six German nouns (distinct per intent; only the
ranking is measured). The 13,382 training rows become chats; the 1,652 official
test rows are the held-out questions.

    .venv/bin/python -m bench.suggestions_massive_de
"""

from __future__ import annotations

import random

from bench.suggestions_common import DATASETS, Row, run

NOUNS = [
    "Akku",
    "Anhänger",
    "Antrag",
    "Arbeitgeber",
    "Bahn",
    "Beleg",
    "Bremse",
    "Brief",
    "Dienstrad",
    "Display",
    "Fahrrad",
    "Felge",
    "Garantie",
    "Gepäck",
    "Helm",
    "Hinterrad",
    "Inspektion",
    "Kette",
    "Klingel",
    "Korb",
    "Lampe",
    "Leasing",
    "Lenker",
    "Licht",
    "Motor",
    "Nabe",
    "Pedal",
    "Portal",
    "Rahmen",
    "Rate",
    "Rechnung",
    "Reifen",
    "Sattel",
    "Schaltung",
    "Schloss",
    "Schlauch",
    "Speiche",
    "Ständer",
    "Tacho",
    "Termin",
    "Trikot",
    "Versicherung",
    "Vertrag",
    "Vorderrad",
    "Werkstatt",
    "Zubehör",
    "Abholung",
    "Anruf",
    "Auftrag",
    "Ausweis",
    "Bestellung",
    "Diebstahl",
    "Formular",
    "Gutschein",
    "Konto",
    "Kunde",
    "Laufzeit",
    "Lieferung",
    "Mahnung",
    "Nachricht",
    "Nummer",
    "Paket",
    "Quittung",
    "Rückgabe",
    "Schaden",
    "Steuer",
    "Umtausch",
    "Unterschrift",
    "Wartung",
    "Zahlung",
    "Zustellung",
]


def rows(split: str) -> list[Row]:
    """The rows of the train or test split."""
    with (DATASETS / "massive_de" / f"{split}.txt").open(encoding="utf-8") as lines:
        pairs = (line.rstrip("\n").split("\t") for line in lines if line.strip())
        return [Row(utterance, intent) for utterance, intent in pairs]


def main() -> None:
    """Run the benchmark and print its figures."""
    train, test = rows("train"), rows("test")
    rng = random.Random(0)
    answers = {
        intent: " ".join(rng.sample(NOUNS, 6)) + "."
        for intent in sorted({row.label for row in train}, key=int)
    }
    run("massive_de", train, test, answers)


if __name__ == "__main__":
    main()
