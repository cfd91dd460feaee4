"""The model: two logistic regressions over answer modules, their probabilities blended.

One reads the words and character n-grams of the question (TF-IDF), the other
its sentence embedding; they make different mistakes, so a weighted average of
their probabilities ranks better than either (the weight is chosen on
validation, see `training`). Modules in the other language than the question's
are demoted. Both are fitted with scikit-learn and kept as plain
arrays: scoring is a sparse or dense product and a softmax.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix, hstack
from scipy.special import softmax
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bots.suggestions import language

# Regularisation measured while exploring on BANKING77 (see README, Reply suggestions):
# TF-IDF C 10 → 30 gained 0.1 point top-1; e5 embeddings C 30 → 100 gained 0.7.
TEXT_C = 30.0
EMBEDDING_C = 100.0
# A module in the other language than the question's keeps 30% of its probability: on
# the bilingual demo archive this gained 0.7-1.9 points top-3 (three seeds); one-language
# data is unaffected, every module is scaled alike.
OTHER_LANGUAGE = 0.3
MAX_ITER = 300
WORDS = {"ngram_range": (1, 2), "sublinear_tf": True, "dtype": np.float32}
CHARS = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "sublinear_tf": True,
    "min_df": 2,
    "dtype": np.float32,
}


@dataclass(frozen=True)
class Linear:
    """A fitted multinomial logistic regression as its weights."""

    coef: NDArray[np.float32]
    intercept: NDArray[np.float32]

    @classmethod
    def fit(
        cls, features: csr_matrix | NDArray[np.float32], labels: Sequence[int], c: float
    ) -> Linear:
        """Fit on these features; the classes are the sorted distinct labels."""
        with warnings.catch_warnings():
            # Iterations are capped to keep training in minutes; validation judges the result.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = LogisticRegression(C=c, max_iter=MAX_ITER).fit(features, labels)
        return cls(model.coef_.astype(np.float32), model.intercept_.astype(np.float32))

    def probabilities(self, features: csr_matrix | NDArray[np.float32]) -> NDArray[np.float32]:
        """One row of class probabilities per question."""
        logits = np.asarray(features @ self.coef.T) + self.intercept
        return np.asarray(softmax(logits, axis=1), dtype=np.float32)


@dataclass(frozen=True)
class TextFeatures:
    """TF-IDF of word unigrams and bigrams plus character 2-5-grams, each row normalised."""

    words: TfidfVectorizer
    chars: TfidfVectorizer

    @classmethod
    def fit(cls, texts: Sequence[str]) -> TextFeatures:
        """Learn the vocabularies and idf weights."""
        return cls(TfidfVectorizer(**WORDS).fit(texts), TfidfVectorizer(**CHARS).fit(texts))

    @classmethod
    def restore(
        cls, vocabularies: Sequence[Sequence[str]], idfs: Sequence[NDArray[np.float32]]
    ) -> TextFeatures:
        """Rebuild from stored vocabularies and idf weights."""
        made = []
        for params, vocabulary, idf in zip((WORDS, CHARS), vocabularies, idfs, strict=True):
            vectorizer = TfidfVectorizer(**params, vocabulary=list(vocabulary))
            vectorizer.idf_ = idf
            made.append(vectorizer)
        return cls(*made)

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """Feature rows for these texts."""
        both = hstack([self.words.transform(texts), self.chars.transform(texts)], format="csr")
        return both * np.float32(1 / np.sqrt(2))

    def vocabularies(self) -> list[list[str]]:
        """Each vectorizer's terms in column order."""
        return [list(v.get_feature_names_out()) for v in (self.words, self.chars)]


@dataclass(frozen=True)
class Ranker:
    """Ranks answer modules for questions given as texts and their embeddings."""

    classes: NDArray[np.int64]
    features: TextFeatures
    text: Linear
    embedding: Linear
    weight: float  # of the text model; the embedding model gets the rest
    embedder: str
    languages: NDArray[np.str_]  # each module's language, in `classes` order

    def both(
        self, texts: Sequence[str], vectors: NDArray[np.float32]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Each model's probabilities, before blending, modules in the question's language first."""
        prior = self._language_prior(texts)
        text = self.text.probabilities(self.features.transform(texts))
        embedding = self.embedding.probabilities(vectors)
        return _rows_summing_to_one(text * prior), _rows_summing_to_one(embedding * prior)

    def probabilities(
        self, texts: Sequence[str], vectors: NDArray[np.float32]
    ) -> NDArray[np.float32]:
        """Blended probabilities of each module (columns in `classes` order)."""
        text, embedding = self.both(texts, vectors)
        return blend(text, embedding, self.weight)

    def _language_prior(self, texts: Sequence[str]) -> NDArray[np.float32]:
        asked = np.asarray([language.detect(text) for text in texts])
        same = self.languages[None, :] == asked[:, None]
        return np.where(same, 1.0, OTHER_LANGUAGE).astype(np.float32)


def _rows_summing_to_one(scores: NDArray[np.float32]) -> NDArray[np.float32]:
    return np.asarray(scores / scores.sum(axis=1, keepdims=True), dtype=np.float32)


def blend(
    text: NDArray[np.float32], embedding: NDArray[np.float32], weight: float
) -> NDArray[np.float32]:
    """The weighted average of the two models' probabilities."""
    return np.asarray(weight * text + (1 - weight) * embedding, dtype=np.float32)


def fit(
    texts: Sequence[str],
    vectors: NDArray[np.float32],
    labels: Sequence[int],
    *,
    weight: float,
    embedder: str,
    module_languages: Mapping[int, str],
) -> Ranker:
    """Fit both models on the same questions (modules by position, with their languages)."""
    features = TextFeatures.fit(texts)
    classes = np.unique(np.asarray(labels, dtype=np.int64))
    return Ranker(
        classes,
        features,
        Linear.fit(features.transform(texts), labels, TEXT_C),
        Linear.fit(vectors, labels, EMBEDDING_C),
        weight,
        embedder,
        np.asarray([module_languages[int(module)] for module in classes], dtype=str),
    )
