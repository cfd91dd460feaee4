"""Training and serving: `suggestions train` stores a version; three suggestions, always."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bots.embedding import E5Embedder, Embedder, embedder_for
from bots.suggestions import model_file, repository
from bots.suggestions.dataset import Options
from bots.suggestions.service import train_and_store
from bots.suggestions.suggester import SHOWN, Suggester
from tests.fakes.openai_server import base_url, fake_openai
from tests.suggestions.archive import MODULES, write_archive
from tests.suggestions.conftest import Databases

BATTERY = MODULES["battery"][0]


def _embedders(databases: Databases) -> Callable[[str], Embedder]:
    return lambda name: embedder_for(name, databases.settings)


def _suggester(databases: Databases) -> Suggester:
    suggester = databases.live.run_sync(Suggester.load_newest, _embedders(databases))
    assert suggester is not None
    return suggester


def test_train_prints_top1_top3_mrr_time_and_size_and_stores_the_version(
    archived: Databases,
) -> None:
    done = archived.cli("suggestions", "train", "--seed", "1")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "data: 73 chats, 90 answered questions, 6 answer modules" in out
    assert "rare: 1 modules used fewer than 2 times (1 answers) left out" in out
    for line in ("validation, text ", "validation, embedding ", "validation, blend "):
        assert line in out
    assert re.search(r"^validation: top-1 [\d.]+%  top-3 [\d.]+%  MRR [\d.]+", out, re.M)
    assert re.search(r"^test:       top-1 [\d.]+%  top-3 [\d.]+%  MRR [\d.]+", out, re.M)
    assert re.search(r"^training time [\d.]+ s, model size [\d.]+ MB$", out, re.M)
    version = int(re.findall(r"model version (\d+) \(e5-small-q4", out)[0])

    stored = archived.live.run_sync(repository.get_model, version)
    assert stored is not None and stored.embedder == "e5-small-q4"
    assert stored.metrics["test"]["top3"] == 1.0  # six clearly different topics
    assert set(stored.metrics) == {"validation", "test", "validation_by_model", "weight"}
    assert stored.dataset["modules"] == 6 and stored.size_bytes == len(stored.model) > 0
    assert [m.uses for m in stored.modules] == sorted(
        (m.uses for m in stored.modules), reverse=True
    )


def test_a_supporter_always_gets_three_suggestions_the_right_one_first(
    archived: Databases,
) -> None:
    suggester = _suggester(archived)
    suggestions = suggester.suggest("Hilfe, der Akku lädt nicht mehr")
    assert len(suggestions.items) == SHOWN
    assert len({item.module_id for item in suggestions.items}) == SHOWN
    assert suggestions.items[0].text == BATTERY and not suggestions.items[0].fallback
    assert suggestions.model_version == suggester.version
    english = suggester.suggest("Is my bike insured when I ride in Austria?")
    assert english.items[0].text == MODULES["abroad"][0]


def test_slots_the_model_is_unsure_about_go_to_the_most_used_modules_flagged(
    archived: Databases,
) -> None:
    suggester = _suggester(archived)
    suggestions = suggester.suggest("Hilfe, der Akku lädt nicht mehr")
    unsure = [item for item in suggestions.items if item.fallback]
    assert suggestions.fallback and unsure, "the model is sure of one module only"
    most_used = [m.text for m in suggester.modules if m.text != BATTERY]
    assert [item.text for item in unsure] == most_used[: len(unsure)]
    assert all(item.score < 0.05 for item in unsure)


def test_a_short_follow_up_is_read_with_the_question_before_it(archived: Databases) -> None:
    suggester = _suggester(archived)
    from bots.suggestions.conversations import Turn

    context = (Turn("customer", "Mein Akku lädt nicht"), Turn("supporter", "Seit wann?"))
    assert suggester.suggest("seit gestern", context).items[0].text == BATTERY


def test_a_newer_model_is_picked_up_without_a_restart(archived: Databases) -> None:
    suggester = _suggester(archived)
    assert archived.live.run_sync(suggester.refreshed, _embedders(archived)) is suggester
    run = train_and_store(
        live=archived.live,
        archive=archived.archive,
        archive_cipher=archived.archive_cipher,
        embedder=E5Embedder(),
        options=Options(seed=2),
    )
    newer = archived.live.run_sync(suggester.refreshed, _embedders(archived))
    assert newer.version == run.version > suggester.version


def test_models_are_stored_without_pickle_and_load_to_the_same_scores(
    archived: Databases,
) -> None:
    suggester = _suggester(archived)
    again = model_file.load(model_file.dump(suggester.ranker))
    texts = ["Wo ist meine Bestellung?", "Kann ich kündigen?"]
    vectors = suggester.embedder.embed(texts)
    assert np.allclose(
        again.probabilities(texts, vectors), suggester.ranker.probabilities(texts, vectors)
    )
    with pytest.raises(ValueError, match="Object arrays cannot be loaded"):
        import io

        buffer = io.BytesIO()
        np.savez(buffer, header=np.array([{"format": 1}], dtype=object))
        model_file.load(buffer.getvalue())


def test_training_through_an_openai_compatible_endpoint(archived: Databases) -> None:
    with fake_openai() as server:
        env = {"CUSTOMER_CHAT_EMBEDDER": "openai", "CUSTOMER_CHAT_EMBEDDINGS_MODEL": "fake"}
        env["CUSTOMER_CHAT_EMBEDDINGS_URL"] = base_url(server)
        done = archived.cli("suggestions", "train", **env)
        assert done.returncode == 0, done.stderr
        assert "(openai:fake, text weight" in done.stdout
        settings = archived.settings.model_copy(update={"embeddings_url": base_url(server)})
        suggester = archived.live.run_sync(
            Suggester.load_newest, lambda name: embedder_for(name, settings)
        )
        assert suggester is not None and suggester.embedder.name == "openai:fake"
        assert suggester.suggest("Mein Akku lädt nicht").items[0].text == BATTERY


def test_an_archive_without_enough_answers_is_refused(empty: Databases) -> None:
    done = empty.cli("suggestions", "train")
    assert done.returncode == 1
    assert "error: need answers of at least 3 modules used 2 times or more" in done.stderr
    assert empty.live.run_sync(Suggester.load_newest, _embedders(empty)) is None


def test_train_can_import_past_chats_first(empty: Databases, tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    write_archive(path)
    done = empty.cli("suggestions", "train", "--import", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("imported 73 chats, 0 already there\n")
    assert "model version" in done.stdout
