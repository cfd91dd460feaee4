"""Cleaning chat text: whitespace, greetings and sign-offs, values turned into placeholders.

A supporter's answer "Hallo Anna, Ihr Vertrag 4711-2026 ist verlängert. Viele
Grüße, Sam" is the module "Ihr Vertrag {{Number}} ist verlängert." once cleaned:
the greeting, the sign-off and the signature go, the customer's name and long
numbers become placeholders, and existing `{{...}}` placeholders stay as they are.
"""

from __future__ import annotations

import re

WHITESPACE = re.compile(r"[ \t\r\f\v]+")
BLANK_LINES = re.compile(r"\n\s*\n+")
PLACEHOLDER = re.compile(r"\{\{[^{}]{1,40}\}\}")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
DATE = re.compile(r"\b(?:\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2})\b")
# Order, contract and invoice numbers: at least five digits, maybe joined by - / or letters.
NUMBER = re.compile(r"\b(?=[\w/-]*\d{5})(?:[A-Za-z]{0,4}[-/]?)?\d[\d/-]*\d\b")
GREETING = re.compile(
    r"^\s*(?:(?:hallo|hi|hey|moin|servus|guten\s+(?:morgen|tag|abend)|liebe[rs]?|"
    r"sehr\s+geehrte[rs]?|hello|good\s+(?:morning|afternoon|evening)|dear)\b"
    r"[^\n,.!?:]{0,40}[,.!:]*)\s*",
    re.IGNORECASE,
)
SIGN_OFF = re.compile(
    r"(?:\n|^|(?<=[.!?])\s)\s*(?:(?:mit\s+)?(?:freundlichen|viele|beste|liebe|herzliche)\s+"
    r"grüße|lg|vg|mfg|gruß|grüße|best(?:\s+regards)?|kind\s+regards|regards|cheers|"
    r"thanks|many\s+thanks|vielen\s+dank|danke|thank\s+you)\b[^\n.?]{0,30}[.!]?"
    r"(?:\n[^\n]{0,40})?\s*$",
    re.IGNORECASE,
)
NAME_SLOT = "{{Customer Name}}"


def normalise_whitespace(text: str) -> str:
    """Single spaces, at most one blank line, no space around the edges."""
    lines = (WHITESPACE.sub(" ", line).strip() for line in text.strip().split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def strip_courtesies(text: str) -> str:
    """The text without an opening greeting and a closing sign-off with signature."""
    text = normalise_whitespace(text)
    without_sign_off = SIGN_OFF.sub("", text).strip()
    without_greeting = GREETING.sub("", without_sign_off, count=1).strip()
    return normalise_whitespace(without_greeting)


def with_placeholders(text: str, names: tuple[str, ...] = ()) -> str:
    """Emails, dates, long numbers and the given names replaced by `{{...}}` placeholders."""
    kept = PLACEHOLDER.findall(text)
    text = PLACEHOLDER.sub("\x00", text)
    text = EMAIL.sub("{{Email}}", text)
    text = DATE.sub("{{Date}}", text)
    text = NUMBER.sub("{{Number}}", text)
    for name in sorted({n for n in names if len(n) > 1}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", NAME_SLOT, text, flags=re.IGNORECASE)
    for placeholder in kept:
        text = text.replace("\x00", placeholder, 1)
    return text


def clean_answer(text: str, names: tuple[str, ...] = ()) -> str:
    """An answer as a module shows it: no courtesies, values as placeholders."""
    return with_placeholders(strip_courtesies(text), names)


def grouping_key(clean: str) -> str:
    """What two cleaned answers must share to be the same module: words, case-free."""
    return " ".join(re.findall(r"\{\{[^{}]+\}\}|\w+", clean.lower()))


def name_parts(*names: str | None) -> tuple[str, ...]:
    """Each full name and its words (first and last name), for `with_placeholders`."""
    parts: list[str] = []
    for name in names:
        if name and name.strip():
            parts.append(name.strip())
            parts.extend(name.split())
    return tuple(parts)
