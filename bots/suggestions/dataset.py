"""The training data: answered questions, their answer modules, and the split by chat."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bots.suggestions.conversations import ArchivedChat, Pair, pairs_of
from bots.suggestions.modules import AnswerModule, group_answers
from bots.suggestions.splits import SPLITS, Split, split_chats

MIN_USES = 2  # a module used once is a one-off answer, not something to suggest


@dataclass(frozen=True)
class Options:
    """How the data is split and which modules are kept."""

    validation: float = 0.1
    test: float = 0.1
    seed: int = 0
    min_uses: int = MIN_USES


@dataclass(frozen=True)
class Example:
    """A pair with its module and split."""

    pair: Pair
    module: int
    split: Split


@dataclass(frozen=True)
class Dataset:
    """Examples of the kept modules, and every module found (rare ones included)."""

    examples: list[Example]
    modules: list[AnswerModule]
    options: Options
    chats: int
    rare: list[AnswerModule]

    def part(self, *splits: Split) -> list[Example]:
        """The examples of these splits."""
        return [example for example in self.examples if example.split in splits]

    def statistics(self) -> dict[str, Any]:
        """Counts worth printing and storing with the model."""
        languages = Counter(example.pair.language for example in self.examples)
        splits: dict[str, dict[str, int]] = {}
        for name in SPLITS:
            part = self.part(name)
            splits[name] = {"chats": len({e.pair.chat_id for e in part}), "pairs": len(part)}
        return {
            "chats": self.chats,
            "pairs": len(self.examples),
            "modules": len(self.modules),
            "languages": dict(sorted(languages.items())),
            "module_languages": dict(sorted(Counter(m.language for m in self.modules).items())),
            "splits": splits,
            "rare_modules": len(self.rare),
            "rare_pairs": sum(module.uses for module in self.rare),
            "min_uses": self.options.min_uses,
            "seed": self.options.seed,
        }


def build(chats: Iterable[ArchivedChat], options: Options | None = None) -> Dataset:
    """Pairs from the chats, grouped into modules, modules used too rarely left out, split."""
    options = options or Options()
    pairs: list[Pair] = []
    chat_count = 0
    for chat in chats:
        chat_count += 1
        pairs.extend(pairs_of(chat))
    grouping = group_answers([pair.answer for pair in pairs])
    kept = [module for module in grouping.modules if module.uses >= options.min_uses]
    rare = grouping.modules[len(kept) :]  # modules come most used first
    chosen = [
        (pair, label)
        for pair, label in zip(pairs, grouping.labels, strict=True)
        if label < len(kept)
    ]
    split = split_chats(
        [pair.chat_id for pair, _ in chosen],
        [label for _, label in chosen],
        validation=options.validation,
        test=options.test,
        seed=options.seed,
    )
    examples = [Example(pair, label, split[pair.chat_id]) for pair, label in chosen]
    return Dataset(examples, kept, options, chat_count, rare)
