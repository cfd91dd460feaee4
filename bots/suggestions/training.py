"""Training: fit on the train split, choose the blend on validation, refit, judge on test.

The text model and the embedding model are fitted on the train chats; the weight
of their blend is the one with the best validation MRR (ties: top-1); both are
then refitted on train and validation chats together with that weight, and the
test chats, never looked at before, give the final figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bots.embedding import Embedder
from bots.suggestions import ranker as ranking
from bots.suggestions.conversations import ArchivedChat
from bots.suggestions.dataset import Dataset, Example, Options, build
from bots.suggestions.metrics import Metrics, measure
from bots.suggestions.ranker import Ranker

WEIGHTS = [round(step * 0.05, 2) for step in range(21)]
DEFAULT_WEIGHT = 0.5  # without validation chats: measured best range on BANKING77 is 0.4-0.6
MIN_MODULES = 3


class TrainingError(ValueError):
    """The archive does not hold enough to train on."""


@dataclass(frozen=True)
class Trained:
    """A fitted ranker with the data it came from and its figures."""

    ranker: Ranker
    dataset: Dataset
    validation: dict[str, Metrics]  # "text", "embedding" and "blend"
    test: Metrics

    def metrics(self) -> dict[str, Any]:
        """The figures as stored with the model version."""
        blend = self.validation.get("blend")
        return {
            "validation": blend.as_dict() if blend else None,
            "test": self.test.as_dict(),
            "validation_by_model": {name: m.as_dict() for name, m in self.validation.items()},
            "weight": self.ranker.weight,
        }


def train(chats: Sequence[ArchivedChat], embedder: Embedder, options: Options) -> Trained:
    """Prepare the data and train; raise `TrainingError` when there is too little of it."""
    dataset = build(chats, options)
    fitting = dataset.part("train")
    if len({example.module for example in fitting}) < MIN_MODULES:
        raise TrainingError(
            f"need answers of at least {MIN_MODULES} modules used {options.min_uses} times or "
            f"more in the training chats; the archive has {len(dataset.modules)} such modules"
        )
    vectors = _embeddings(dataset.examples, embedder)
    languages = {module.position: module.language for module in dataset.modules}
    first = _fit(fitting, vectors, DEFAULT_WEIGHT, embedder.name, languages)
    validation = dataset.part("validation")
    compared: dict[str, Metrics] = {}
    final = first
    if validation:
        compared, weight = _compare(first, validation, vectors)
        final = _fit(fitting + validation, vectors, weight, embedder.name, languages)
    test = _measure(final, dataset.part("test"), vectors)
    return Trained(final, dataset, compared, test)


def _embeddings(examples: list[Example], embedder: Embedder) -> dict[str, NDArray[np.float32]]:
    texts = sorted({example.pair.model_text for example in examples})
    return dict(zip(texts, embedder.embed(texts), strict=True))


def _inputs(
    examples: list[Example], vectors: dict[str, NDArray[np.float32]]
) -> tuple[list[str], NDArray[np.float32], list[int]]:
    texts = [example.pair.model_text for example in examples]
    matrix = np.vstack([vectors[text] for text in texts]) if texts else np.zeros((0, 1))
    return texts, matrix.astype(np.float32), [example.module for example in examples]


def _fit(
    examples: list[Example],
    vectors: dict[str, NDArray[np.float32]],
    weight: float,
    name: str,
    languages: Mapping[int, str],
) -> Ranker:
    texts, matrix, labels = _inputs(examples, vectors)
    return ranking.fit(
        texts, matrix, labels, weight=weight, embedder=name, module_languages=languages
    )


def _compare(
    fitted: Ranker, validation: list[Example], vectors: dict[str, NDArray[np.float32]]
) -> tuple[dict[str, Metrics], float]:
    texts, matrix, labels = _inputs(validation, vectors)
    text, embedding = fitted.both(texts, matrix)
    classes = fitted.classes.tolist()

    def quality(weight: float) -> tuple[float, float, float]:
        metrics = measure(ranking.blend(text, embedding, weight), classes, labels)
        return metrics.mrr, metrics.top1, -abs(weight - DEFAULT_WEIGHT)  # ties: the middle

    weight = max(WEIGHTS, key=quality)
    compared = {
        "text": measure(text, classes, labels),
        "embedding": measure(embedding, classes, labels),
        "blend": measure(ranking.blend(text, embedding, weight), classes, labels),
    }
    return compared, weight


def _measure(
    fitted: Ranker, examples: list[Example], vectors: dict[str, NDArray[np.float32]]
) -> Metrics:
    texts, matrix, labels = _inputs(examples, vectors)
    if not texts:
        return Metrics(0.0, 0.0, 0.0, 0)
    return measure(fitted.probabilities(texts, matrix), fitted.classes.tolist(), labels)
