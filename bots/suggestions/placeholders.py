"""Filling an answer module's `{{...}}` placeholders from what the chat knows.

The customer's name comes from the chat; numbers and email addresses from what the
customer wrote (the latest one wins). Anything else, a date say, the supporter
fills in: `2 14 March` puts "14 March" into suggestion 2's first open slot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SLOT = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Order, contract and frame numbers: a run of digits, maybe with a letter prefix ("RB-204511").
NUMBER = re.compile(r"\b(?:[A-Z]{1,4}-?)?\d{4,}\b")
NAME_SLOTS = {"customer name", "name", "first name", "client name"}


@dataclass(frozen=True)
class Filled:
    """A text with the slots that could be filled filled, and those still open."""

    text: str
    missing: tuple[str, ...]


def slots(text: str) -> list[str]:
    """The placeholder names in the text, in order."""
    return [match.group(1) for match in SLOT.finditer(text)]


def fill(
    text: str, *, customer_name: str, customer_said: Sequence[str], given: Sequence[str] = ()
) -> Filled:
    """Fill what the chat knows, then the supporter's `given` values into the open slots."""
    values = list(given)
    missing: list[str] = []

    def value_for(match: re.Match[str]) -> str:
        name = match.group(1)
        known = _known(name, customer_name, customer_said)
        if known is not None:
            return known
        if values:
            return values.pop(0)
        missing.append(name)
        return match.group(0)

    return Filled(SLOT.sub(value_for, text), tuple(missing))


def _known(name: str, customer_name: str, customer_said: Sequence[str]) -> str | None:
    lowered = name.lower()
    if lowered in NAME_SLOTS:
        return customer_name or None
    pattern = EMAIL if "mail" in lowered else NUMBER if "number" in lowered else None
    if pattern is None:
        return None
    for said in reversed(customer_said):
        found = pattern.findall(said)
        if found:
            return str(found[-1])
    return None
