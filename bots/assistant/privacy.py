"""Masking of personal data before text leaves the product (for an LLM): emails, phones, IBANs."""

from __future__ import annotations

import re

# Country code, two check digits, then 11-30 letters or digits, optionally in groups of four.
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A leading + or 0, or a bracketed area code, then at least six more digits in groups.
DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")
PHONE = re.compile(r"(?<![\w+])(?:\+|00|0|\(0)[\d ()/.\-]{6,}\d(?!\w)")


def mask(text: str) -> str:
    """The text with each IBAN, email address and phone number replaced by a placeholder."""
    text = IBAN.sub(_iban, text)
    text = EMAIL.sub("[E-Mail]", text)
    return PHONE.sub(_phone, text)


def _iban(match: re.Match[str]) -> str:
    return "[IBAN]" if sum(c.isdigit() for c in match.group()) >= 10 else match.group()


def _phone(match: re.Match[str]) -> str:
    found = match.group()
    if DATE.fullmatch(found.strip()) or sum(c.isdigit() for c in found) < 7:
        return found
    return "[Telefon]"
