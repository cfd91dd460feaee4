"""How well a ranking finds the right module: top-1, top-3 and mean reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Metrics:
    """Shares of questions whose module came first, in the first three; MRR; how many."""

    top1: float
    top3: float
    mrr: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """For JSON."""
        return asdict(self)

    def __str__(self) -> str:
        return f"top-1 {self.top1:.2%}  top-3 {self.top3:.2%}  MRR {self.mrr:.3f}  (n={self.n})"


def ranks(
    scores: NDArray[np.floating], classes: Sequence[int], labels: Sequence[int]
) -> NDArray[np.int64]:
    """0-based rank of each true module in its row of scores (a module not scored: last)."""
    column = {module: index for index, module in enumerate(classes)}
    order = np.argsort(-scores, axis=1, kind="stable")
    width = scores.shape[1]
    found = [
        int(np.flatnonzero(row == column[label])[0]) if label in column else width
        for row, label in zip(order, labels, strict=True)
    ]
    return np.asarray(found, dtype=np.int64)


def measure(scores: NDArray[np.floating], classes: Sequence[int], labels: Sequence[int]) -> Metrics:
    """Top-1, top-3 and MRR of scored questions against their true modules."""
    if not len(labels):
        return Metrics(0.0, 0.0, 0.0, 0)
    found = ranks(scores, classes, labels)
    width = scores.shape[1]
    reciprocal = np.where(found < width, 1.0 / (found + 1), 0.0)
    return Metrics(
        float(np.mean(found == 0)),
        float(np.mean(found < 3)),
        float(np.mean(reciprocal)),
        len(labels),
    )
