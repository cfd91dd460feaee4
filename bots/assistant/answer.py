"""The extractive answer: the best passage, cleaned of Markdown, with the article it comes from.

Nothing is written that the passage does not say: the text is the passage's
own, only its Markdown marks are removed. Where the knowledge base has the
topic in both languages, the passage in the question's language is used.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from bots.knowledge.search import Hit
from bots.suggestions.language import detect

# A passage in the question's language is preferred if it is this close (cosine) to the best.
SAME_TOPIC = 0.03
HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
EMPHASIS = re.compile(r"(\*\*|\*|~~|(?<!\w)__|(?<!\w)_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
CODE = re.compile(r"`([^`]*)`")
BULLET = re.compile(r"^[ \t]*[*+-][ \t]+", re.MULTILINE)
QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE)
BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Source:
    """An article an answer comes from."""

    article_id: uuid.UUID
    slug: str
    title: str
    url: str

    @classmethod
    def of(cls, hit: Hit) -> Source:
        """The article a passage belongs to."""
        return cls(article_id=hit.article_id, slug=hit.slug, title=hit.title, url=f"/kb/{hit.slug}")


@dataclass(frozen=True)
class Answer:
    """The text for the customer and its source."""

    text: str
    sources: list[Source]
    passage: Hit


def choose_passage(question: str, hits: Sequence[Hit]) -> Hit:
    """The best hit, or a nearly as good one in the question's language."""
    best = hits[0]
    language = detect(question)
    if best.language == language:
        return best
    best_score = best.vector_score or 0.0
    for hit in hits[1:]:
        if hit.language == language and (hit.vector_score or 0.0) >= best_score - SAME_TOPIC:
            return hit
    return best


def extractive(question: str, hits: Sequence[Hit]) -> Answer:
    """The answer to the question from its hits (at least one)."""
    passage = choose_passage(question, hits)
    return Answer(clean(passage.text), [Source.of(passage)], passage)


def clean(markdown: str) -> str:
    """Markdown as plain text: headings as lines, no emphasis or link marks, lists as bullets."""
    text = RULE.sub("", markdown)
    text = HEADING.sub(r"\1", text)
    text = LINK.sub(r"\1", text)
    text = CODE.sub(r"\1", text)
    text = QUOTE.sub("", text)
    text = BULLET.sub("• ", text)
    for _ in range(2):  # nested emphasis: **_word_**
        text = EMPHASIS.sub(r"\2", text)
    return BLANKS.sub("\n\n", text).strip()
