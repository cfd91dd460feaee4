"""How sure retrieval is that the best article answers: features and a calibrated model.

One cosine says little on its own: a question can be close to many articles
at once (then it is probably about none of them). The features look at the
best article against the runner-up, and at whether the words agree with the
meaning. A logistic regression on them gives the probability that the best
article is the right one; below the calibrated threshold the assistant hands
over. `bench/assistant_banking77.py` fits the model on a validation split
and prints it; `DEFAULT` is that fit.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from bots.knowledge.search import Hit

FEATURES = (
    "vector_top",  # cosine of the nearest passage of the best article
    "vector_margin",  # ... minus that of the best other article
    "fused_top",  # reciprocal-rank-fusion score of the best passage, times 60
    "fused_margin",  # ... minus the best other article's, times 60
    "text_hit",  # 1 if the best passage has words of the question
    "text_score",  # its ts_rank (0 without)
    "agree",  # 1 if the nearest article by meaning is also the best by words
)
NO_RUNNER_UP = 0.1  # the margin when only one article is found


@dataclass(frozen=True)
class Features:
    """The confidence features of one question's hits, and the article they point to."""

    values: tuple[float, ...]
    article_id: uuid.UUID | None

    def as_dict(self) -> dict[str, float]:
        """The features by name (logged with each decision)."""
        return {name: round(value, 4) for name, value in zip(FEATURES, self.values, strict=True)}


def features(hits: Sequence[Hit]) -> Features:
    """The features of the hits of one search (best fused first)."""
    if not hits:
        return Features((0.0,) * len(FEATURES), None)
    best = hits[0].article_id
    by_vector = _best_per_article(hits, lambda hit: hit.vector_score)
    by_fused = _best_per_article(hits, lambda hit: hit.fused)
    by_text = _best_per_article(hits, lambda hit: hit.text_score)
    vector_top = by_vector.get(best, 0.0)
    others = [score for article, score in by_vector.items() if article != best]
    fused_others = [score for article, score in by_fused.items() if article != best]
    top = hits[0]
    nearest = max(by_vector, key=by_vector.__getitem__) if by_vector else None
    wordiest = max(by_text, key=by_text.__getitem__) if by_text else None
    values = (
        vector_top,
        vector_top - max(others) if others else NO_RUNNER_UP,
        60 * top.fused,
        60 * (top.fused - max(fused_others)) if fused_others else 60 * top.fused,
        1.0 if top.text_score is not None else 0.0,
        top.text_score or 0.0,
        1.0 if nearest is not None and nearest == wordiest else 0.0,
    )
    return Features(values, best)


def _best_per_article(
    hits: Sequence[Hit], score: Callable[[Hit], float | None]
) -> dict[uuid.UUID, float]:
    best: dict[uuid.UUID, float] = {}
    for hit in hits:
        value = score(hit)
        if value is not None and value > best.get(hit.article_id, -math.inf):
            best[hit.article_id] = float(value)
    return best


@dataclass(frozen=True)
class Calibration:
    """A logistic regression on standardised features and the threshold chosen on validation."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    measured_on: str = ""

    def probability(self, found: Features) -> float:
        """The probability that the best article answers the question."""
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, found.values, self.means, self.scales, strict=True)
        )
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))

    def as_dict(self) -> dict[str, object]:
        """For printing and storing."""
        return asdict(self)


DEFAULT = Calibration(
    means=(0.8706, 0.01556, 1.9504, 0.0510, 0.9970, 0.05087, 0.5931),
    scales=(0.02606, 0.02094, 0.05798, 0.07421, 0.05472, 0.01899, 0.4913),
    weights=(0.3419, 1.4442, 0.4681, 0.0573, -0.4652, 0.1623, 0.2181),
    bias=0.4678,
    threshold=0.6888,
    measured_on="banking77 validation (bench/assistant_banking77.py, seed 0, 5 examples)",
)
