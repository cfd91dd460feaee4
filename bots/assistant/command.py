"""`customer-chat bot evaluate FILE`: the assistant's figures on any labelled file."""

from __future__ import annotations

import argparse
from pathlib import Path

from bridge.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `bot evaluate`."""
    parser.add_argument(
        "path", type=Path, help=".jsonl ({text, label}) or .csv (text, label); label: slug or oos"
    )


def run_evaluate(args: argparse.Namespace) -> None:
    """Decide every labelled question against the knowledge base and print the figures."""
    from bots.assistant.calibrate import figures
    from bots.assistant.confidence import DEFAULT
    from bots.assistant.evaluation import percentile, read_labelled, run
    from bots.embedding import configured_embedder
    from bridge import migrate
    from bridge.db import Database, make_engine

    questions = read_labelled(args.path)
    settings = Settings()
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    embedder = configured_embedder(settings)
    embedder.embed(["warm up"], role="query")
    outcomes = Database(engine).run_sync(run, embedder, questions, DEFAULT)
    print(figures([(o.judged, o.handed_off) for o in outcomes]).line())
    times = [o.latency_ms for o in outcomes]
    print(
        f"threshold {DEFAULT.threshold:.4f} · search + decision p50 "
        f"{percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms"
    )
