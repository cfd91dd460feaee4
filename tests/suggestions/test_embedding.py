"""Embedders: the local models work from their packages alone; the OpenAI-compatible one."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from bots.embedding import (
    E5,
    USE,
    E5Embedder,
    Embedder,
    Embedders,
    OpenAIEmbedder,
    UseEmbedder,
    configured_embedder,
    embedder_for,
)
from bridge.settings import Settings
from tests.fakes.openai_server import base_url, fake_openai, vector
from tests.stack import ROOT


@pytest.mark.parametrize("embedder", [E5Embedder(batch=2), UseEmbedder(batch=2)], ids=[E5, USE])
def test_local_embedders_give_normalised_rows_that_put_paraphrases_close(
    embedder: Embedder,
) -> None:
    rows = embedder.embed(
        ["Mein Akku lädt nicht", "Der Akku wird nicht geladen", "Where is my order?"]
    )
    assert rows.dtype == np.float32 and rows.shape[0] == 3
    assert np.allclose(np.linalg.norm(rows, axis=1), 1, atol=1e-5)
    assert rows[0] @ rows[1] > rows[0] @ rows[2]
    assert embedder.embed([]).shape[0] == 0


def test_e5_questions_and_passages_get_their_own_prefix() -> None:
    embedder = E5Embedder()
    query, passage = (embedder.embed(["Akku laden"], role=r)[0] for r in ("query", "passage"))
    assert not np.allclose(query, passage)


def test_the_local_models_load_with_the_hub_offline() -> None:
    script = (
        "from bots.embedding import E5Embedder, UseEmbedder;"
        "print(E5Embedder().embed(['x']).shape, UseEmbedder().embed(['x']).shape)"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NO_PROXY": "*"}
    env |= {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.stdout.strip() == "(1, 384) (1, 512)", done.stderr


def test_the_openai_compatible_embedder_batches_and_keeps_the_order() -> None:
    texts = ["battery empty", "order late", "battery broken", "insurance abroad", "late order"]
    with fake_openai() as server:
        embedder = OpenAIEmbedder(
            base_url=base_url(server), model="fake-small", api_key="sk-test", batch=2
        )
        rows = embedder.embed(texts)
    assert embedder.name == "openai:fake-small"
    assert [len(r["input"]) for r in server.requests] == [2, 2, 1]
    assert {r["model"] for r in server.requests} == {"fake-small"}
    assert set(server.keys) == {"Bearer sk-test"}
    expected = np.asarray([vector(t) for t in texts], dtype=np.float32)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(rows, expected, atol=1e-6)


def test_embedders_are_chosen_by_name_and_setting() -> None:
    assert isinstance(embedder_for(E5, Settings()), E5Embedder)
    assert isinstance(configured_embedder(Settings(embedder=USE)), UseEmbedder)
    remote = configured_embedder(
        Settings(embedder="openai", embeddings_url="http://127.0.0.1:9/v1", embeddings_model="m")
    )
    assert remote.name == "openai:m"
    with pytest.raises(ValueError, match="no embedder 'openai:m'"):
        embedder_for("openai:m", Settings())
    with pytest.raises(ValueError, match="no embedder 'word2vec'"):
        embedder_for("word2vec", Settings())


def test_a_process_loads_each_model_once_however_many_parts_embed() -> None:
    embedders = Embedders(Settings(embedder=USE))
    assert embedders(USE) is embedders.configured() is embedders(USE)
    assert isinstance(embedders(E5), E5Embedder) and embedders(E5) is not embedders(USE)
