"""`customer-chat bot evaluate FILE` and `bot learn FILE`: the assistant on labelled questions."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bridge.settings import Settings

if TYPE_CHECKING:
    from bots.assistant.evaluation import Labelled
    from bots.embedding import Embedder
    from bridge.db import Database

LEARN_BATCH = 256  # questions embedded and stored at a time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The argument of `bot evaluate` and `bot learn`: the labelled file."""
    parser.add_argument(
        "path", type=Path, help=".jsonl ({text, label}) or .csv (text, label); label: slug or oos"
    )


def run_evaluate(args: argparse.Namespace) -> None:
    """Decide every labelled question against the knowledge base and print the figures."""
    from bots.assistant.calibrate import figures
    from bots.assistant.evaluation import percentile, read_labelled, run
    from bots.embedding import configured_embedder

    questions = read_labelled(args.path)
    settings = Settings()
    embedder = configured_embedder(settings)
    embedder.embed(["warm up"], role="query")
    outcomes = _database(settings).run_sync(run, embedder, questions)
    print(figures([(o.judged, o.handed_off) for o in outcomes]).line())
    times = [o.latency_ms for o in outcomes]
    print(
        f"search + decision p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms"
    )


def run_learn(args: argparse.Namespace) -> None:
    """Store the labelled questions in the question memory of their articles."""
    from bots.assistant.evaluation import read_labelled
    from bots.embedding import configured_embedder

    questions = read_labelled(args.path)
    settings = Settings()
    learned = learn_questions(_database(settings), configured_embedder(settings), questions)
    print(learned.line())


@dataclass(frozen=True)
class Learned:
    """What a learning run stored."""

    added: int
    articles: int
    known: int
    without_article: int

    def line(self) -> str:
        """As printed by `bot learn`."""
        return (
            f"learned {self.added} questions for {self.articles} articles "
            f"({self.known} known already, {self.without_article} without an article)"
        )


def learn_questions(db: Database, embedder: Embedder, questions: Sequence[Labelled]) -> Learned:
    """Embed the questions of existing articles and add them to the question memory."""
    from bots.knowledge.learned import learn
    from bots.knowledge.repository import get_by_slug

    slugs = {q.label for q in questions}
    found = db.run_sync(lambda conn: {slug: get_by_slug(conn, slug) for slug in slugs})
    ids = {slug: article.id for slug, article in found.items() if article is not None}
    pairs = [(ids[q.label], q.text) for q in questions if q.label in ids]
    added = 0
    for start in range(0, len(pairs), LEARN_BATCH):
        batch = pairs[start : start + LEARN_BATCH]
        vectors = embedder.embed([text for _, text in batch], role="query")
        added += db.run_sync(learn, embedder.name, batch, vectors)
    articles = len({article for article, _ in pairs})
    return Learned(added, articles, len(pairs) - added, len(questions) - len(pairs))


def _database(settings: Settings) -> Database:
    """The live database, migrated."""
    from bridge import migrate
    from bridge.db import Database, make_engine

    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    return Database(engine)
