"""The training action: read the archive, train, store the model as a new version."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bots.embedding import Embedder
from bots.suggestions import model_file, repository
from bots.suggestions.dataset import Options
from bots.suggestions.training import Trained, train
from bridge.db import Database
from bridge.messages.crypto import MessageCipher


@dataclass(frozen=True)
class TrainingRun:
    """A stored model version and how it came about."""

    version: int
    trained: Trained
    seconds: float
    size_bytes: int

    def lines(self) -> list[str]:
        """The report `customer-chat suggestions train` prints."""
        stats = self.trained.dataset.statistics()
        splits = "  ".join(
            f"{name} {part['chats']} chats / {part['pairs']} pairs"
            for name, part in stats["splits"].items()
        )
        lines = [
            f"data: {stats['chats']} chats, {stats['pairs']} answered questions, "
            f"{stats['modules']} answer modules (languages {_counts(stats['module_languages'])}); "
            f"questions {_counts(stats['languages'])}",
            f"rare: {stats['rare_modules']} modules used fewer than {stats['min_uses']} times "
            f"({stats['rare_pairs']} answers) left out",
            f"split (seed {stats['seed']}): {splits}",
        ]
        for name, metrics in self.trained.validation.items():
            lines.append(f"validation, {name:<9} {metrics}")
        blend = self.trained.validation.get("blend")
        lines += [
            f"model version {self.version} ({self.trained.ranker.embedder}, text weight "
            f"{self.trained.ranker.weight:.2f})",
            f"validation: {blend if blend else 'no validation chats'}",
            f"test:       {self.trained.test if self.trained.test.n else 'no test chats'}",
            f"training time {self.seconds:.1f} s, model size {self.size_bytes / 1e6:.1f} MB",
        ]
        return lines


def train_and_store(
    *,
    live: Database,
    archive: Database,
    archive_cipher: MessageCipher,
    embedder: Embedder,
    options: Options,
) -> TrainingRun:
    """Train on every archived chat and store the model as the newest version."""
    started = time.perf_counter()
    chats = archive.run_sync(repository.archived_conversations, archive_cipher)
    trained = train(chats, embedder, options)
    model = model_file.dump(trained.ranker)
    seconds = time.perf_counter() - started
    version = live.run_sync(
        repository.store_model,
        embedder=embedder.name,
        metrics=trained.metrics(),
        dataset=trained.dataset.statistics(),
        training_seconds=seconds,
        model=model,
        modules=trained.dataset.modules,
    )
    return TrainingRun(version, trained, seconds, len(model))


def _counts(counts: dict[str, Any]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"
