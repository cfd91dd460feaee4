"""How sure retrieval is that the best article answers: features and a calibrated model.

One cosine says little on its own: a question can be close to many articles
at once (then it is probably about none of them). The features look at the
best article against the best other article (by meaning, by its closest
example question, by fused rank), and at whether the words agree with the
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
    "meaning_top",  # the best article's score by meaning (search.py: passage and question)
    "meaning_margin",  # ... minus the best other article's
    "question_top",  # cosine of the best article's closest example question (else its meaning)
    "question_margin",  # ... minus the best other article's
    "passage_top",  # cosine of the best article's best passage
    "fused_top",  # the best article's reciprocal-rank-fusion score, times 60
    "fused_margin",  # ... minus the next article's, times 60
    "text_score",  # the best article's ts_rank (0 without the question's words)
    "agree",  # 1 if the best article by meaning is also the best by words
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
    """The features of the hits of one search (best fused first; scores are per article)."""
    if not hits:
        return Features((0.0,) * len(FEATURES), None)
    top = hits[0]
    articles = {hit.article_id: hit for hit in reversed(hits)}  # each article's first hit
    runner_up = next((hit for hit in hits if hit.article_id != top.article_id), None)
    others = [hit for article, hit in articles.items() if article != top.article_id]

    def margin(score: Callable[[Hit], float]) -> float:
        return score(top) - max(map(score, others)) if others else NO_RUNNER_UP

    values = (
        top.meaning,
        margin(_meaning),
        _question(top),
        margin(_question),
        top.vector_score,  # an article's best passage is its first hit
        60 * top.fused,
        60 * (top.fused - runner_up.fused) if runner_up else 60 * top.fused,
        top.text_score or 0.0,
        1.0 if top.vector_rank == 1 and top.text_rank == 1 else 0.0,
    )
    return Features(values, top.article_id)


def _meaning(hit: Hit) -> float:
    return hit.meaning


def _question(hit: Hit) -> float:
    return hit.meaning if hit.question_score is None else hit.question_score


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
    means=(0.8934, 0.01954, 0.9267, 0.01593, 0.8713, 1.223, 0.02774, 0.04896, 0.5761),
    scales=(0.02339, 0.01944, 0.02745, 0.02661, 0.02579, 0.01838, 0.02313, 0.01947, 0.4942),
    weights=(0.2045, 1.379, 0.3167, -0.153, 0.08444, -0.08081, -0.03396, 0.1676, 0.4964),
    bias=0.7356,
    threshold=0.6738,
    measured_on="banking77 validation (bench/assistant_banking77.py, seed 0, 5 examples)",
)
