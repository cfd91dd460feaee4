"""A ranker as bytes: a compressed numpy archive of plain arrays (never pickle).

Models live in the database; loading one must not run code, so the archive
holds only numbers and strings and is read with `allow_pickle=False`.
"""

from __future__ import annotations

import io
import json

import numpy as np

from bots.suggestions.ranker import Linear, Ranker, TextFeatures

FORMAT = 2  # 2: module languages stored


def dump(ranker: Ranker) -> bytes:
    """The ranker as bytes."""
    words, chars = ranker.features.vocabularies()
    header = {"format": FORMAT, "weight": ranker.weight, "embedder": ranker.embedder}
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        header=np.array(json.dumps(header)),
        classes=ranker.classes,
        words=np.array(words, dtype=str),
        chars=np.array(chars, dtype=str),
        words_idf=ranker.features.words.idf_.astype(np.float32),
        chars_idf=ranker.features.chars.idf_.astype(np.float32),
        text_coef=ranker.text.coef,
        text_intercept=ranker.text.intercept,
        embedding_coef=ranker.embedding.coef,
        embedding_intercept=ranker.embedding.intercept,
        languages=ranker.languages,
    )
    return buffer.getvalue()


def load(data: bytes) -> Ranker:
    """A ranker from bytes made by `dump`."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        header = json.loads(str(arrays["header"]))
        if header["format"] != FORMAT:
            raise ValueError(f"unknown model format {header['format']}")
        features = TextFeatures.restore(
            [arrays["words"].tolist(), arrays["chars"].tolist()],
            [arrays["words_idf"], arrays["chars_idf"]],
        )
        return Ranker(
            arrays["classes"],
            features,
            Linear(arrays["text_coef"], arrays["text_intercept"]),
            Linear(arrays["embedding_coef"], arrays["embedding_intercept"]),
            float(header["weight"]),
            str(header["embedder"]),
            arrays["languages"],
        )
