"""Fitting the confidence model and choosing the threshold on validation questions."""

from __future__ import annotations

import random
from pathlib import Path

from bots.assistant.calibrate import Judged, figures, fit
from bots.assistant.confidence import FEATURES, Features
from bots.assistant.evaluation import Labelled, read_labelled


def question(label: str, best: str, top: float, rng: random.Random) -> Judged:
    """A judged question whose features centre on `top`."""
    values = (top + rng.gauss(0, 0.02), rng.random() / 10) + (0.0,) * (len(FEATURES) - 2)
    return Judged(label, Features(values, None), best)


def test_threshold_hands_over_the_target_share_of_out_of_scope_questions() -> None:
    rng = random.Random(0)
    inside = [question("theft", "theft", 0.9, rng) for _ in range(200)]
    outside = [question("oos", "theft", 0.8, rng) for _ in range(100)]
    calibration = fit(inside + outside, oos_target=0.9, name="synthetic")
    handed = [
        (item, calibration.probability(item.found) < calibration.threshold)
        for item in inside + outside
    ]
    result = figures(handed)
    assert result.oos_handed_over >= 0.9 and result.in_scope_right > 0.9
    assert calibration.measured_on == "synthetic" and "in-scope right article" in result.line()


def test_labelled_csv_and_jsonl_files_are_read(tmp_path: Path) -> None:
    csv_file = tmp_path / "q.csv"
    csv_file.write_text("text,category\nWhere is my card?,card-arrival\n")
    jsonl = tmp_path / "q.jsonl"
    jsonl.write_text('{"text": "Pizza?", "label": "oos"}\n\n')
    assert read_labelled(csv_file) == [Labelled("Where is my card?", "card-arrival")]
    assert read_labelled(jsonl) == [Labelled("Pizza?", "oos")]
