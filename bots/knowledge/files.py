"""Articles from files: Markdown with a small front matter, or JSON lines.

```
---
title: Diebstahl des Fahrrads melden
language: de
tags: theft, insurance
---
Markdown body...
```

The slug is the file's name without `.md`. Without a `title`, the first `# `
heading is the title; without a `language`, it is detected. A `.jsonl` file
holds one `{"title", "body", "language"?, "tags"?, "slug"?}` a line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bots.knowledge.repository import Content
from bots.knowledge.schemas import ArticleIn
from bots.knowledge.service import slug_for
from bots.suggestions.language import detect

FRONT_MATTER = "---"


@dataclass(frozen=True)
class ArticleFile:
    """An article read from a file, ready to import under its slug."""

    slug: str
    content: Content


@dataclass(frozen=True)
class Read:
    """The articles of a path and what could not be read (one line per problem)."""

    articles: list[ArticleFile]
    errors: list[str]


def read_path(path: Path) -> Read:
    """The articles in a Markdown file, a folder of `*.md` files, or a `.jsonl` file."""
    articles: list[ArticleFile] = []
    errors: list[str] = []
    if path.is_dir():
        sources = sorted(path.glob("*.md"))
    elif path.exists():
        sources = [path]
    else:
        return Read([], [f"{path}: no such file or folder"])
    for source in sources:
        try:
            if source.suffix == ".jsonl":
                articles += _json_lines(source)
            else:
                articles.append(parse_markdown(slug_for(source.stem), source.read_text("utf-8")))
        except (ValueError, OSError) as error:
            errors.append(f"{source}: {error}")
    return Read(articles, errors)


def parse_markdown(slug: str, text: str) -> ArticleFile:
    """An article from Markdown with optional front matter; ValueError if it is not one."""
    fields, body = _front_matter(text.replace("\r\n", "\n"))
    title = fields.get("title") or _first_heading(body)
    tags = [tag.strip() for tag in fields.get("tags", "").split(",") if tag.strip()]
    return _article(
        slug, {"title": title, "body": body, "language": fields.get("language"), "tags": tags}
    )


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER:
        return {}, text.strip()
    for end in range(1, len(lines)):
        if lines[end].strip() == FRONT_MATTER:
            break
    else:
        raise ValueError("front matter is not closed by a line '---'")
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"front matter line without 'key: value': {line!r}")
        fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, "\n".join(lines[end + 1 :]).strip()


def _first_heading(body: str) -> str:
    for line in body.split("\n"):
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError("no title: give 'title:' in the front matter or start with '# Title'")


def _json_lines(path: Path) -> Iterator[ArticleFile]:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            slug = str(record.get("slug") or slug_for(str(record.get("title", ""))))
            yield _article(slug_for(slug), record)
        except ValueError as error:
            raise ValueError(f"line {number}: {error}") from error


def _article(slug: str, fields: dict[str, Any]) -> ArticleFile:
    """Check the fields as the api would; the language is detected when missing."""
    if not fields.get("language"):
        fields = {
            **fields,
            "language": detect(f"{fields.get('title', '')} {fields.get('body', '')}"),
        }
    try:
        checked = ArticleIn.model_validate(fields)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'article'}: {e['msg']}" for e in error.errors()
        )
        raise ValueError(problems) from None
    return ArticleFile(slug, checked.content())
