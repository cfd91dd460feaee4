"""`customer-chat kb import`: Markdown files with front matter (or JSON lines) become articles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bots.knowledge import repository
from bots.knowledge.files import parse_markdown, read_path
from bridge.db import Database
from tests.knowledge.conftest import ARTICLES, fresh_database
from tests.stack import ROOT

THEFT = """---
title: Diebstahl des Fahrrads melden
language: de
tags: theft, insurance
---
Wurde Ihr Rad gestohlen? Erstatten Sie Anzeige.
"""


def test_front_matter_gives_title_language_and_tags() -> None:
    article = parse_markdown("diebstahl", THEFT)
    assert article.slug == "diebstahl"
    assert article.content.title == "Diebstahl des Fahrrads melden"
    assert article.content.language == "de"
    assert article.content.tags == ("theft", "insurance")
    assert article.content.body == "Wurde Ihr Rad gestohlen? Erstatten Sie Anzeige."


def test_without_front_matter_the_heading_is_the_title_and_the_language_is_detected() -> None:
    article = parse_markdown("returns", "# Returning the bike\n\nBring it back to the dealer.")
    assert article.content.title == "Returning the bike"
    assert article.content.language == "en"
    assert article.content.body.startswith("# Returning the bike")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\ntitle: Offen\n\nText", "not closed"),
        ("---\ntitle: X\nlanguage: fr\n---\nText", "language"),
        ("---\nlanguage: de\n---\nNur Text", "no title"),
        ("---\ntitle X\n---\nText", "key: value"),
        ("---\ntitle: X\nlanguage: de\n---\nNUL \x00 im Text", "control characters"),
    ],
)
def test_broken_files_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_markdown("x", text)


def test_a_folder_a_single_file_and_json_lines_can_be_read(tmp_path: Path) -> None:
    assert [a.slug for a in read_path(ARTICLES).articles] == sorted(
        p.stem for p in ARTICLES.glob("*.md")
    )
    assert [a.slug for a in read_path(ARTICLES / "opening-hours.md").articles] == ["opening-hours"]
    lines = tmp_path / "kb.jsonl"
    lines.write_text(
        json.dumps({"title": "Öffnungszeiten", "body": "Montag bis Freitag."})
        + "\n\n"
        + json.dumps(
            {"title": "Returns", "body": "Bring it back.", "language": "en", "slug": "ret"}
        )
        + "\n"
    )
    read = read_path(lines)
    assert [(a.slug, a.content.language) for a in read.articles] == [
        ("oeffnungszeiten", "de"),
        ("ret", "en"),
    ]
    lines.write_text("[1, 2]\n")
    assert "line 1: not a JSON object" in read_path(lines).errors[0]
    assert "no such file" in read_path(tmp_path / "missing").errors[0]


def kb_import(db: Database, path: Path) -> subprocess.CompletedProcess[str]:
    """Run the command against this database (with the fast embedder: only counts matter)."""
    env = {
        **os.environ,
        "CUSTOMER_CHAT_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "CUSTOMER_CHAT_DATA_DIR": str(path.parent / "data"),
        "CUSTOMER_CHAT_LOG_DIR": str(path.parent / "logs"),
        "CUSTOMER_CHAT_EMBEDDER": "use-m3",
    }
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", "kb", "import", str(path)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_importing_again_updates_only_what_changed(kb_server: Path, tmp_path: Path) -> None:
    db = fresh_database(kb_server)
    folder = tmp_path / "kb"
    folder.mkdir()
    for source in ARTICLES.glob("*.md"):
        (folder / source.name).write_text(source.read_text())
    first = kb_import(db, folder)
    assert first.returncode == 0, first.stderr
    chunks = db.run_sync(repository.chunk_count)
    assert first.stdout.strip() == (
        f"imported 6 articles (6 created, 0 updated, 0 unchanged), {chunks} chunks embedded"
    )
    hours = folder / "opening-hours.md"
    hours.write_text(hours.read_text().replace("18:00", "20:00"))
    (folder / "broken.md").write_text("---\ntitle: kaputt\n")
    second = kb_import(db, folder)
    assert second.returncode == 1
    assert "broken.md: front matter is not closed" in second.stderr
    assert second.stdout.startswith("imported 6 articles (0 created, 1 updated, 5 unchanged), ")
    article = db.run_sync(repository.get_by_slug, "opening-hours")
    assert article is not None and article.version == 2 and "20:00" in article.content.body
    assert db.run_sync(repository.stale, "use-m3") == []
    db.engine.dispose()
