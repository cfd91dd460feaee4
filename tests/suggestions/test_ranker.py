"""The ranker: modules in the question's language come first when the models cannot tell."""

from __future__ import annotations

import numpy as np
import pytest

from bots.suggestions import model_file
from bots.suggestions.ranker import OTHER_LANGUAGE, Linear, Ranker, TextFeatures


def _undecided() -> Ranker:
    """A ranker whose two models give a German and an English module the same chance."""
    features = TextFeatures.fit(["Akku lädt nicht", "battery does not charge"])
    width = features.transform(["x"]).shape[1]
    return Ranker(
        classes=np.asarray([0, 1]),
        features=features,
        text=Linear(np.zeros((2, width), np.float32), np.zeros(2, np.float32)),
        embedding=Linear(np.zeros((2, 4), np.float32), np.zeros(2, np.float32)),
        weight=0.5,
        embedder="test",
        languages=np.asarray(["de", "en"]),
    )


def test_a_module_in_the_other_language_keeps_only_part_of_its_chance() -> None:
    ranker = _undecided()
    questions = ["Mein Akku lädt nicht mehr", "My battery does not charge any more"]
    scores = ranker.probabilities(questions, np.zeros((2, 4), np.float32))
    assert np.allclose(scores.sum(axis=1), 1)
    assert scores[0, 1] / scores[0, 0] == pytest.approx(OTHER_LANGUAGE)
    assert scores[1, 0] / scores[1, 1] == pytest.approx(OTHER_LANGUAGE)


def test_the_languages_are_stored_with_the_model() -> None:
    again = model_file.load(model_file.dump(_undecided()))
    assert again.languages.tolist() == ["de", "en"]
