"""Serving: always exactly three suggested answer modules for a customer's question.

The newest trained model ranks the modules. A module the model gives less than
`FLOOR` probability is a guess, so its slot goes to the most used module not
yet shown, flagged `fallback`; a question the model knows nothing about gets
the three most used modules, all flagged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection

from bots.embedding import Embedder
from bots.suggestions import model_file, repository
from bots.suggestions.conversations import Turn, model_text
from bots.suggestions.prior import Boosts
from bots.suggestions.ranker import Ranker
from bots.suggestions.repository import StoredModel, StoredModule

SHOWN = 3
FLOOR = 0.05

EmbedderFor = Callable[[str], Embedder]


@dataclass(frozen=True)
class Suggestion:
    """One suggested answer: its module's id (answer_modules.id), text and score."""

    module_id: int
    text: str
    score: float
    fallback: bool  # a most used module standing in for an unsure pick


@dataclass(frozen=True)
class Suggestions:
    """The three suggestions for a question, best first, and the model version behind them."""

    items: tuple[Suggestion, ...]
    model_version: int
    cluster: str  # the kind of question: the key of the module the model itself ranks first

    @property
    def fallback(self) -> bool:
        """Whether the model was unsure about at least one slot."""
        return any(item.fallback for item in self.items)


class Suggester:
    """A loaded model version ready to rank answer modules."""

    def __init__(self, stored: StoredModel, ranker: Ranker, embedder: Embedder) -> None:
        self.stored = stored
        self.ranker = ranker
        self.embedder = embedder
        by_position = {module.position: module for module in stored.modules}
        # Classes are sorted positions, and positions count from the most used module.
        self.modules: list[StoredModule] = [by_position[int(p)] for p in ranker.classes]

    @property
    def version(self) -> int:
        """The model version."""
        return self.stored.version

    @classmethod
    def load_newest(cls, conn: Connection, embedder_for: EmbedderFor) -> Suggester | None:
        """The newest trained model, or None before the first training."""
        version = repository.newest_version(conn)
        stored = repository.get_model(conn, version) if version is not None else None
        if stored is None:
            return None
        ranker = model_file.load(stored.model)
        suggester = cls(stored, ranker, embedder_for(ranker.embedder))
        suggester.scores(["warm-up"])  # loads the embedding model now, not at the first question
        return suggester

    def refreshed(self, conn: Connection, embedder_for: EmbedderFor) -> Suggester:
        """This suggester, or the newest model's when one was trained since it loaded."""
        if repository.newest_version(conn) == self.version:
            return self
        return Suggester.load_newest(conn, embedder_for) or self

    def scores(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Each module's probability for each text (columns in `modules` order)."""
        return self.ranker.probabilities(texts, self.embedder.embed(texts))

    def suggest(
        self,
        question: str,
        context: Sequence[Turn] = (),
        boosts: Boosts | None = None,
    ) -> Suggestions:
        """Exactly three suggestions for the customer's question, given what came before.

        `boosts` (from supporters' feedback) re-rank the modules for this kind of question.
        """
        scores = self.scores([model_text(question, context)])[0]
        cluster = self.modules[int(np.argmax(scores))].key
        if boosts:
            scores = scores * np.array([boosts.factor(cluster, m.key) for m in self.modules])
        best = np.argsort(-scores, kind="stable")[:SHOWN]
        chosen = [int(i) for i in best if scores[i] >= FLOOR]
        confident = len(chosen)
        chosen += [i for i in range(len(self.modules)) if i not in chosen][: SHOWN - confident]
        items = tuple(
            Suggestion(
                self.modules[i].id,
                self.modules[i].text,
                float(scores[i]),
                fallback=rank >= confident,
            )
            for rank, i in enumerate(chosen)
        )
        return Suggestions(items, self.version, cluster)
