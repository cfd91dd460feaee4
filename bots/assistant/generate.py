"""An answer written by the LLM, sent paragraph by paragraph as each one passes the output check.

Parts leave one by one as short consecutive messages, not as one message
corrected as it grows: a correction (XEP-0308) would keep every earlier
version in the room's archive, including text the check later blocks. A
part that fails the check is not sent and nothing after it is asked for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from enum import StrEnum

from bots.assistant.answer import Source, clean
from bots.assistant.llm import Llm, LlmUnavailable
from bots.assistant.prompt import ABSTAIN, build
from bots.assistant.safety import OutputCheck, Rule, citations, without_citations
from bots.knowledge.search import Hit

log = logging.getLogger(__name__)

PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


class Outcome(StrEnum):
    """How writing the answer ended."""

    ANSWERED = "answered"
    UNAVAILABLE = "unavailable"
    ABSTAINED = "abstained"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Written:
    """The parts sent (in order), the articles they cite, how it ended, and what blocked it."""

    outcome: Outcome
    parts: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    blocked_by: Rule | None = None


def write(
    llm: Llm,
    *,
    question: str,
    hits: Sequence[Hit],
    on_part: Callable[[str], None],
) -> Written:
    """Ask the LLM to answer from the hits; pass each checked part to `on_part` as it is ready."""
    prompt = build(question, hits)
    check = OutputCheck(prompt, llm.secrets, question)
    parts: list[str] = []
    sources: list[Source] = []
    try:
        with closing(llm.stream(prompt.messages)) as pieces:
            for paragraph in paragraphs(pieces):
                if ABSTAIN in paragraph:
                    return Written(Outcome.ABSTAINED, parts, sources)
                rule = check.blocked_by(paragraph)
                if rule is not None:
                    # The rule, never the text: a blocked part may hold a secret.
                    log.warning("assistant answer part %d blocked: %s", len(parts) + 1, rule)
                    return Written(Outcome.BLOCKED, parts, sources, rule)
                for number in citations(paragraph, len(prompt.passages)):
                    source = Source.of(prompt.passages[number - 1])
                    if source not in sources:
                        sources.append(source)
                # Plain text like the extractive answers: chat clients show Markdown marks as is.
                parts.append(clean(without_citations(paragraph)))
                on_part(parts[-1])
    except LlmUnavailable as error:
        log.warning("LLM unavailable, handing over: %s", error)
        return Written(Outcome.UNAVAILABLE, parts, sources)
    return Written(Outcome.ANSWERED if parts else Outcome.ABSTAINED, parts, sources)


def paragraphs(pieces: Iterable[str]) -> Iterator[str]:
    """The streamed text cut at blank lines, each paragraph as soon as it is complete."""
    buffer = ""
    for piece in pieces:
        buffer += piece
        *complete, buffer = PARAGRAPH_END.split(buffer)
        yield from (paragraph.strip() for paragraph in complete if paragraph.strip())
    if buffer.strip():
        yield buffer.strip()
