"""`customer-chat kb import PATH`: load articles from files, then embed what changed."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import Connection

from bots.knowledge.files import ArticleFile
from bridge.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `kb import`."""
    parser.add_argument(
        "path", type=Path, help="a Markdown file, a folder of *.md files, or a .jsonl file"
    )


def import_all(conn: Connection, articles: list[ArticleFile]) -> Counter[str]:
    """Create or update each article; how many were created, updated, unchanged."""
    from bots.knowledge.service import import_article

    return Counter(import_article(conn, slug=a.slug, content=a.content) for a in articles)


def run_import(args: argparse.Namespace) -> None:
    """Import the articles of a path and embed the new and changed ones."""
    from bots.embedding import configured_embedder
    from bots.knowledge.files import read_path
    from bots.knowledge.indexer import index_stale
    from bridge import migrate
    from bridge.db import Database, make_engine

    read = read_path(args.path)
    for error in read.errors:
        print(error, file=sys.stderr)
    settings = Settings()
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    db = Database(engine)
    counts = db.run_sync(import_all, read.articles)
    indexed = index_stale(db, configured_embedder(settings), wait=True)
    print(
        f"imported {len(read.articles)} articles ({counts['created']} created, "
        f"{counts['updated']} updated, {counts['unchanged']} unchanged), "
        f"{indexed.chunks} chunks embedded"
    )
    if read.errors:
        raise SystemExit(1)
