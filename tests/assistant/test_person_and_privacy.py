"""Asking for a person, in German and English, and masking personal data."""

from __future__ import annotations

import pytest

from bots.assistant.person import asks_for_person
from bots.assistant.privacy import mask


@pytest.mark.parametrize(
    "text",
    [
        "Ich möchte mit einem Menschen sprechen",
        "MITARBEITER BITTE",
        "Kann ich mit einem Mitarbieter sprechen?",
        "Ich will einen echten Menschen",
        "Bitte verbinden Sie mich mit einer Person",
        "agent",
        "I want to talk to someone",
        "Can I speak to a real person?",
        "talk to a humna",
    ],
)
def test_customer_asking_for_a_person_is_recognised(text: str) -> None:
    assert asks_for_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wo muss ich meinen Personalausweis vorzeigen?",
        "Kann jeder Mitarbeiter ein Dienstrad leasen?",
        "Can another person ride my bike?",
        "How do I transfer money to someone?",
        "Mein Akku lädt nicht",
    ],
)
def test_questions_mentioning_people_are_not_requests_for_one(text: str) -> None:
    assert not asks_for_person(text)


def test_emails_phone_numbers_and_ibans_are_masked_but_dates_and_codes_stay() -> None:
    text = (
        "IBAN DE89 3704 0044 0532 0130 00, Mail anna.schmidt+x@example.co.uk, "
        "Tel +49 171 1234567 oder (030) 123 4567, Vertrag RB-48213 vom 01.03.2024"
    )
    assert mask(text) == (
        "IBAN [IBAN], Mail [E-Mail], Tel [Telefon] oder [Telefon], Vertrag RB-48213 vom 01.03.2024"
    )
