"""`customer-chat suggestions train`: train on the archive, print and store the figures."""

from __future__ import annotations

import argparse
from pathlib import Path

from bridge.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `suggestions train`."""
    parser.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    parser.add_argument("--validation", type=float, default=0.1, help="share of chats (0.1)")
    parser.add_argument("--test", type=float, default=0.1, help="share of chats (0.1)")
    parser.add_argument(
        "--min-uses", type=int, default=2, help="leave out modules used fewer times (2)"
    )
    parser.add_argument(
        "--import", dest="import_path", type=Path, help="import past chats (.jsonl) first"
    )


def run_train(args: argparse.Namespace) -> None:
    """Train a new model version and print its report."""
    from bots.embedding import configured_embedder
    from bots.suggestions.dataset import Options
    from bots.suggestions.service import train_and_store
    from bots.suggestions.training import TrainingError
    from bridge import migrate
    from bridge.archive.importer import import_file
    from bridge.archive.service import open_archive
    from bridge.db import Database, make_engine
    from bridge.messages.crypto import KeyStore, MessageCipher

    settings = Settings()
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    archive_cipher = MessageCipher(KeyStore.for_archive(settings))
    if args.import_path:
        report = import_file(args.import_path, open_archive(settings), archive_cipher)
        print(f"imported {report.imported} chats, {report.already_there} already there")
    options = Options(args.validation, args.test, args.seed, args.min_uses)
    try:
        run = train_and_store(
            live=Database(engine),
            archive=open_archive(settings),
            archive_cipher=archive_cipher,
            embedder=configured_embedder(settings),
            options=options,
        )
    except TrainingError as error:
        raise SystemExit(f"error: {error}") from error
    print("\n".join(run.lines()))
