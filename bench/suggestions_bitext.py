"""Reply suggestions on the Bitext customer-support pairs, 80/20 by row.

Bitext customer support (CDLA-Sharing-1.0, ../shared/datasets/bitext_customer_support):
4,514 questions with an intent (27) and a generated answer each. Its answers are
paraphrases written anew for every row, so each intent's module is the answer of
its first training row (placeholders such as {{Order Number}} kept) and every
training row of that intent is answered with it. Rows are shuffled (seed 0) and
split 80/20; the 20% are the held-out questions. Target: top-3 ≥ 99.5%.

    .venv/bin/python -m bench.suggestions_bitext
"""

from __future__ import annotations

import csv
import random

from bench.suggestions_common import DATASETS, Row, run

FILE = "bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.csv"


def main() -> None:
    """Run the benchmark and print its figures."""
    with (DATASETS / FILE).open(encoding="utf-8") as lines:
        records = list(csv.DictReader(lines))
    random.Random(0).shuffle(records)
    cut = int(len(records) * 0.8)
    answers: dict[str, str] = {}
    for record in records[:cut]:
        answers.setdefault(record["intent"], record["response"])
    train = [Row(r["instruction"], r["intent"]) for r in records[:cut]]
    test = [Row(r["instruction"], r["intent"]) for r in records[cut:]]
    run("bitext", train, test, answers)


if __name__ == "__main__":
    main()
