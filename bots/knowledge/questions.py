"""An article's example questions: the list under a "Questions customers ask" heading.

Help-centre articles list the ways customers phrase what they answer. Each
listed question becomes a chunk of its own (kind `question`) besides the
passages, embedded as a query: a customer's question is then compared with
questions like it, not only with the answer's prose. A section counts when
its heading has the word "question(s)" or "Fragen"; its list items (`-`, `*`,
`+`, `1.`) are the questions. Question chunks score their article in search
and are never shown as an answer.
"""

from __future__ import annotations

import re

from bots.knowledge.chunks import FENCE, HEADING, SEPARATOR, Chunk

SECTION = re.compile(r"\b(questions?|fragen)\b", re.IGNORECASE)
ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)\s*$")


def questions(title: str, body: str, *, start: int) -> list[Chunk]:
    """The article's example questions as chunks, numbered from `start` (after its passages)."""
    found: list[Chunk] = []
    section: str | None = None
    fenced = False
    for line in body.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif fenced:
            continue
        elif heading := HEADING.match(line):
            section = heading.group(2).strip() if SECTION.search(heading.group(2)) else None
        elif section is not None and (item := ITEM.match(line)):
            found.append(
                Chunk(
                    start + len(found),
                    f"{title.strip()}{SEPARATOR}{section}",
                    item.group(1),
                    kind="question",
                )
            )
    return found
