"""Split an article's Markdown into passages along its headings and paragraphs.

Each chunk keeps its heading path ("Title > Section > Subsection"), which is
put in front of its text when it is embedded, so a short paragraph still says
what it is about. Paragraphs of one section are packed together up to
`MAX_WORDS`; a section shorter than `MIN_WORDS` joins its neighbour (its own
heading kept as a line of text); a paragraph longer than `MAX_WORDS` is split
between sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

MIN_WORDS = 40
MAX_WORDS = 250
SEPARATOR = " > "

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")

Kind = Literal["passage", "question"]


@dataclass(frozen=True)
class Chunk:
    """One passage (or example question) of an article: where it sits and its text."""

    position: int
    heading: str
    text: str
    kind: Kind = "passage"

    @property
    def passage(self) -> str:
        """What the embedder reads: the heading path, then the text."""
        return f"{self.heading}\n{self.text}" if self.text else self.heading


@dataclass(frozen=True)
class _Block:
    path: tuple[str, ...]
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


def chunk(
    title: str, body: str, *, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS
) -> list[Chunk]:
    """The article's chunks in reading order; an empty body gives one chunk of the title alone."""
    packed: list[_Block] = []
    for block in _sized(_blocks(title.strip(), body), max_words):
        last = packed[-1] if packed else None
        if last is None or last.words + block.words > max_words:
            packed.append(block)
        elif last.path == block.path:
            packed[-1] = _Block(last.path, f"{last.text}\n\n{block.text}")
        elif (last.words < min_words or block.words < min_words) and (
            joined := _joined(last, block)
        ).words <= max_words:
            packed[-1] = joined
        else:
            packed.append(block)
    merged: list[_Block] = []
    for block in packed:  # a short block left before a full one joins it if it fits
        if (
            merged
            and merged[-1].words < min_words
            and (joined := _joined(merged[-1], block)).words <= max_words
        ):
            merged[-1] = joined
        else:
            merged.append(block)
    return [
        Chunk(position, SEPARATOR.join(block.path), block.text)
        for position, block in enumerate(merged or [_Block((title.strip(),), "")])
    ]


def _joined(first: _Block, second: _Block) -> _Block:
    """Two neighbouring blocks of different sections as one, under their common headings."""
    common = 0
    while (
        common < min(len(first.path), len(second.path))
        and first.path[common] == second.path[common]
    ):
        common += 1
    path = first.path[: max(common, 1)]
    first_text = _with_own_headings(first, len(path))
    second_text = _with_own_headings(second, len(path))
    return _Block(path, f"{first_text}\n\n{second_text}")


def _with_own_headings(block: _Block, shared: int) -> str:
    """The block's text led by the headings it no longer has in its path."""
    own = block.path[shared:]
    return "\n".join([*own, block.text]) if own else block.text


def _blocks(title: str, body: str) -> Iterator[_Block]:
    """Paragraphs with their heading paths; a fenced code block stays one paragraph."""
    headings: list[tuple[int, str]] = []
    lines: list[str] = []
    fenced = False

    def path() -> tuple[str, ...]:
        return (title, *(text for _, text in headings))

    def paragraph() -> Iterator[_Block]:
        text = "\n".join(lines).strip()
        lines.clear()
        if text:
            yield _Block(path(), text)

    for line in body.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            lines.append(line)
            continue
        heading = None if fenced else HEADING.match(line)
        if heading:
            yield from paragraph()
            level, text = len(heading.group(1)), heading.group(2).strip()
            headings[:] = [h for h in headings if h[0] < level]
            if text and not (level == 1 and not headings and text == title):
                headings.append((level, text))
        elif not fenced and not line.strip():
            yield from paragraph()
        else:
            lines.append(line)
    yield from paragraph()


def _sized(blocks: Iterator[_Block], max_words: int) -> Iterator[_Block]:
    """Blocks no longer than `max_words`: long ones split between sentences, then words."""
    for block in blocks:
        if block.words <= max_words:
            yield block
            continue
        piece: list[str] = []
        for sentence in _pieces(block.text, max_words):
            if piece and len(" ".join([*piece, sentence]).split()) > max_words:
                yield _Block(block.path, " ".join(piece))
                piece = []
            piece.append(sentence)
        if piece:
            yield _Block(block.path, " ".join(piece))


def _pieces(text: str, max_words: int) -> Iterator[str]:
    """Sentences of the text; a sentence longer than `max_words` in runs of words."""
    for sentence in SENTENCE_END.split(text):
        words = sentence.split()
        for start in range(0, len(words), max_words):
            yield " ".join(words[start : start + max_words])
