"""Fit the confidence model on labelled questions and choose the handover threshold.

A labelled question is in scope with the slug of the article that answers
it, or out of scope (`oos`). The model learns "the best article is the right
one" from the confidence features; the threshold is the lowest probability
at which at least `oos_target` of the out-of-scope questions are handed over
(the lowest such threshold answers the most in-scope questions).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bots.assistant.confidence import Calibration, Features

OUT_OF_SCOPE = "oos"
OOS_TARGET = 0.87  # a little above the 85% goal: a threshold fitted on validation loosens on test


@dataclass(frozen=True)
class Judged:
    """One labelled question, the features of its hits, and the slug of the best article."""

    label: str
    found: Features
    best_slug: str | None

    @property
    def in_scope(self) -> bool:
        """True if an article should answer it."""
        return self.label != OUT_OF_SCOPE

    @property
    def right(self) -> bool:
        """True if it is in scope and the best article is its own."""
        return self.in_scope and self.best_slug == self.label


def fit(judged: Sequence[Judged], *, oos_target: float = OOS_TARGET, name: str = "") -> Calibration:
    """A calibration fitted on these questions (both classes needed)."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([item.found.values for item in judged], dtype=np.float64)
    y = np.array([item.right for item in judged], dtype=np.int64)
    means, scales = x.mean(axis=0), x.std(axis=0)
    scales[scales == 0] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=1.0, max_iter=1000).fit((x - means) / scales, y)
    unfitted = Calibration(
        means=tuple(float(v) for v in means),
        scales=tuple(float(v) for v in scales),
        weights=tuple(float(v) for v in model.coef_[0]),
        bias=float(model.intercept_[0]),
        threshold=0.5,
        measured_on=name,
    )
    return with_threshold(unfitted, judged, oos_target)


def with_threshold(
    calibration: Calibration, judged: Sequence[Judged], oos_target: float
) -> Calibration:
    """The calibration with the threshold that hands over `oos_target` of the out-of-scope."""
    oos = sorted(calibration.probability(item.found) for item in judged if not item.in_scope)
    if not oos:
        return calibration
    # Hand over when probability < threshold: the threshold just above the target's quantile.
    index = min(len(oos) - 1, int(np.ceil(oos_target * len(oos))) - 1)
    return replace(calibration, threshold=oos[index] + 1e-9)


@dataclass(frozen=True)
class Figures:
    """The three figures of a labelled run."""

    in_scope_right: float
    in_scope_handed_over: float
    oos_handed_over: float
    in_scope: int
    oos: int

    def line(self) -> str:
        """As printed by the benchmark and `bot evaluate`."""
        return (
            f"in-scope right article {100 * self.in_scope_right:.1f}% · "
            f"in-scope wrongly handed over {100 * self.in_scope_handed_over:.1f}% · "
            f"out-of-scope handed over {100 * self.oos_handed_over:.1f}% "
            f"({self.in_scope} in scope, {self.oos} out of scope)"
        )


def figures(outcomes: Sequence[tuple[Judged, bool]]) -> Figures:
    """The figures of (question, handed over) pairs."""
    inside = [(item, off) for item, off in outcomes if item.in_scope]
    outside = [off for item, off in outcomes if not item.in_scope]
    return Figures(
        in_scope_right=_share(item.right and not off for item, off in inside),
        in_scope_handed_over=_share(off for _, off in inside),
        oos_handed_over=_share(outside),
        in_scope=len(inside),
        oos=len(outside),
    )


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0
