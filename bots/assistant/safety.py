"""The output check: each part of an LLM answer passes it before it is sent, or a person takes over.

It assumes the model was talked into anything (OWASP LLM01) and looks only at
what it wrote. A part is blocked when it shows the instructions (their
canary, their fence, or runs of their words: LLM07), a secret of the product
or anything shaped like a key (LLM02), personal data the customer did not
write themselves, so someone else's (LLM02/06), or no citation of a passage
it was given (an answer must rest on the knowledge base). Comparisons ignore
case, spaces and punctuation, so a secret spelled out with dashes still counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bots.assistant.privacy import EMAIL, IBAN, PHONE, mask
from bots.assistant.prompt import Prompt

NGRAM = 5  # words in a row shared with the instructions...
SHARED_NGRAMS = 2  # ...this often: quoting them, not chance
CITATION = re.compile(r"\s*\[(\d{1,2})\]")
KEY_LIKE = re.compile(
    r"\bsk-[\w-]{16,}"  # OpenAI-style api keys
    r"|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*"  # JWTs (session tokens)
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access keys
    # 32+ letters and digits mixed: generated secrets, hex or base64 keys.
    r"|(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{32,}"
)


class Rule(StrEnum):
    """Why a part was blocked."""

    CANARY = "canary"
    INSTRUCTIONS = "instructions"
    SECRET = "secret"  # noqa: S105 (the name of a rule, not a password)
    PERSONAL_DATA = "personal_data"
    NO_SOURCE = "no_source"


@dataclass(frozen=True)
class OutputCheck:
    """What the parts of one answer are checked against."""

    prompt: Prompt
    secrets: tuple[str, ...]
    customer_text: str

    def blocked_by(self, part: str) -> Rule | None:
        """The first rule the part breaks, or None if it may be sent."""
        flat = compact(part)
        if compact(self.prompt.canary) in flat:
            return Rule.CANARY
        if compact(self.prompt.fence) in flat or self._quotes_instructions(part):
            return Rule.INSTRUCTIONS
        if KEY_LIKE.search(part) or any(compact(value) in flat for value in self.secrets):
            return Rule.SECRET
        own = compact(self.customer_text)
        if any(compact(found) not in own for found in personal_data(part)):
            return Rule.PERSONAL_DATA
        if not citations(part, len(self.prompt.passages)):
            return Rule.NO_SOURCE
        return None

    def _quotes_instructions(self, part: str) -> bool:
        shared = ngrams(part) & ngrams(self.prompt.system)
        return len(shared) >= SHARED_NGRAMS


def citations(part: str, passages: int) -> list[int]:
    """The passage numbers the part cites (1 to `passages`), in order, each once."""
    numbers = (int(found) for found in CITATION.findall(part))
    return list(dict.fromkeys(n for n in numbers if 1 <= n <= passages))


def without_citations(part: str) -> str:
    """The part as the customer reads it: the passage numbers go, the sources are listed apart."""
    return CITATION.sub("", part).strip()


def personal_data(text: str) -> list[str]:
    """The email addresses, phone numbers and IBANs in a text (what `mask` would hide)."""
    candidates = (m.group() for pattern in (IBAN, EMAIL, PHONE) for m in pattern.finditer(text))
    return [found for found in candidates if mask(found) != found]


def ngrams(text: str) -> set[tuple[str, ...]]:
    """The runs of `NGRAM` words in a text, lower-cased."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)}


def compact(text: str) -> str:
    """The text lower-cased without spaces and punctuation."""
    return re.sub(r"[\W_]+", "", text.lower())
