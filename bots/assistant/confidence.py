"""How sure retrieval is that the best article answers: features and a calibrated model.

One cosine says little on its own: a question can be close to many articles
at once (then it is probably about none of them). The features look at the
best article against the best other article (by meaning, by its closest
example question, by fused rank), and at whether the words agree with the
meaning, and at the question memory (`memory.py`): how much nearer the
questions the best article answered the question is than the rest of the
knowledge base. A logistic regression on them gives the probability that the best
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
    "memory_score",  # the best article's score in the question memory (0 without a memory)
    "memory_margin",  # ... minus the best other article's
    "memory_agree",  # 1 if the memory ranks the best article first
)
NO_RUNNER_UP = 0.1  # the margin when only one article is found
Ranked = Sequence[tuple[uuid.UUID, float]]


@dataclass(frozen=True)
class Features:
    """The confidence features of one question's hits, and the article they point to."""

    values: tuple[float, ...]
    article_id: uuid.UUID | None

    def as_dict(self) -> dict[str, float]:
        """The features by name (logged with each decision)."""
        return {name: round(value, 4) for name, value in zip(FEATURES, self.values, strict=True)}


def features(hits: Sequence[Hit], ranked: Ranked = ()) -> Features:
    """The features of the hits of one search (best first; scores are per article).

    `ranked`: the question memory's articles and scores, best first (empty without one).
    """
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
        *_remembered(top.article_id, ranked),
    )
    return Features(values, top.article_id)


def _remembered(article_id: uuid.UUID, ranked: Ranked) -> tuple[float, float, float]:
    """The memory's score of the article, its margin over the best other, and if it is first."""
    if not ranked:
        return 0.0, 0.0, 0.0
    scores = dict(ranked)
    score = scores.get(article_id, ranked[-1][1])  # an article without examples: the lowest
    best_other = next((s for article, s in ranked if article != article_id), score)
    return score, score - best_other, 1.0 if ranked[0][0] == article_id else 0.0


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


# For a knowledge base without example questions: the memory features weigh nothing.
RETRIEVAL_ONLY = Calibration(
    means=(0.8934, 0.01954, 0.9267, 0.01593, 0.8713, 1.223, 0.02774, 0.04896, 0.5761, 0, 0, 0),
    scales=(0.0234, 0.01944, 0.02745, 0.02661, 0.02579, 0.01838, 0.02313, 0.01947, 0.4942, 1, 1, 1),
    weights=(0.2045, 1.379, 0.3167, -0.153, 0.08444, -0.08081, -0.03396, 0.1676, 0.4964, 0, 0, 0),
    bias=0.7356,
    threshold=0.6738,
    measured_on="banking77 validation, without a memory (bench/assistant_banking77.py, seed 0)",
)

DEFAULT = Calibration(
    means=(
        0.8905,
        0.01497,
        0.9231,
        0.01094,
        0.8688,
        1.207,
        0.004282,
        0.04721,
        0.4975,
        -0.7696,
        3.754,
        0.98,
    ),
    scales=(
        0.02559,
        0.02394,
        0.03035,
        0.03076,
        0.02714,
        0.04704,
        0.05182,
        0.02107,
        0.5,
        1.826,
        3.491,
        0.1401,
    ),
    weights=(
        0.08588,
        0.2161,
        0.1635,
        -0.1318,
        0.01301,
        -0.1407,
        0.1841,
        -0.1108,
        0.4116,
        1.907,
        0.3378,
        0.04485,
    ),
    bias=1.359,
    threshold=0.6617,
    measured_on="banking77 validation (bench/assistant_banking77.py, seed 0, 5 examples, memory)",
)
