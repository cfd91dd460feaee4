"""The question memory: which article answered questions like this one, and how surely.

Fitted on the example questions of the knowledge base (`bots/knowledge/learned.py`:
articles' question lists and learned questions). Each article is a Gaussian
around the mean of its questions with one covariance shared by all; a
question's score for an article is the relative Mahalanobis distance (Ren et
al. 2021, "A simple fix to Mahalanobis distance for improving near-OOD
detection"): minus its distance to the article's mean, plus its distance to
the mean of all questions. A question near an article's questions and
unusual for the knowledge base as a whole scores high; one that is merely
typical of the domain (a near neighbour of an intent no article covers)
scores low. On BANKING77 this separates out-of-scope questions better than
cosines of the nearest example (README, Assistant).

The fit takes milliseconds, so the memory is refitted whenever the examples'
fingerprint changes (`current`), in whichever process asks.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection

from bots.knowledge import learned

# Added to both covariances' diagonal; chosen on BANKING77 validation (1e-5 to 3e-4 alike).
REGULARISATION = 1e-4
MIN_ARTICLES = 2


@dataclass(frozen=True)
class Memory:
    """Per-article means and the whitening maps of the shared and the global covariance."""

    article_ids: list[uuid.UUID]
    whitened_means: NDArray[np.float64]  # one row per article, in the shared whitening
    whiten: NDArray[np.float64]
    global_mean: NDArray[np.float64]
    whiten_global: NDArray[np.float64]
    typical: float  # the median score of the examples for their own article
    spread: float  # the median distance of those scores from it

    @classmethod
    def fit(cls, examples: learned.Examples) -> Memory | None:
        """The memory of these examples; None unless two articles have them, one twice."""
        articles = sorted(set(examples.article_ids))
        if len(articles) < MIN_ARTICLES:
            return None
        x = examples.vectors.astype(np.float64)
        index = {article: i for i, article in enumerate(articles)}
        labels = np.array([index[article] for article in examples.article_ids])
        means = np.stack([x[labels == i].mean(axis=0) for i in range(len(articles))])
        whiten = _whitening(x - means[labels])
        global_mean = x.mean(axis=0)
        whiten_global = _whitening(x - global_mean)
        # Each example against its article's mean without itself (exact for the mean:
        # x - mean_without_x = n/(n-1) (x - mean)): the scores new questions would get.
        sizes = np.bincount(labels)[labels].astype(np.float64)
        shared = sizes > 1
        if not shared.any():
            return None
        to_all = np.sum(((x[shared] - global_mean) @ whiten_global) ** 2, axis=1)
        to_own = np.sum(((x[shared] - means[labels[shared]]) @ whiten) ** 2, axis=1)
        own = to_all - (sizes[shared] / (sizes[shared] - 1)) ** 2 * to_own
        typical = float(np.median(own))
        spread = float(np.median(np.abs(own - typical))) or 1.0
        return cls(articles, means @ whiten, whiten, global_mean, whiten_global, typical, spread)

    def rank(self, vector: NDArray[np.float32]) -> list[tuple[uuid.UUID, float]]:
        """Every article with the question's score, best first.

        Scores are in units of the examples' own: 0 is as typical as the median
        example is for its article, -1 one median deviation below. The same
        calibration then serves a knowledge base of ten examples or of ten thousand.
        """
        v = vector.astype(np.float64)
        to_articles = np.sum((v @ self.whiten - self.whitened_means) ** 2, axis=1)
        to_all = float(np.sum(((v - self.global_mean) @ self.whiten_global) ** 2))
        scores = (to_all - to_articles - self.typical) / self.spread
        order = np.argsort(-scores, kind="stable")
        return [(self.article_ids[i], float(scores[i])) for i in order]


def _whitening(centred: NDArray[np.float64]) -> NDArray[np.float64]:
    """W with ||x W||² the Mahalanobis length of x under the centred rows' covariance."""
    covariance = centred.T @ centred / len(centred)
    covariance += REGULARISATION * np.eye(covariance.shape[0])
    precision = np.linalg.inv(covariance)
    return np.asarray(np.linalg.cholesky(precision), dtype=np.float64)


_fitted: dict[str, tuple[str, Memory | None]] = {}
_lock = threading.Lock()


def current(conn: Connection, embedder: str) -> Memory | None:
    """The memory of the examples as stored now (refitted only when they changed)."""
    fingerprint = learned.version(conn, embedder)
    with _lock:
        known = _fitted.get(embedder)
        if known is not None and known[0] == fingerprint:
            return known[1]
        memory = Memory.fit(learned.examples(conn, embedder))
        _fitted[embedder] = (fingerprint, memory)
        return memory
