"""The concrete details of one chat (order number, bike, dates) and filling them into texts.

Question phrasings name slots like `{order}` or `{bike}`; answer modules carry
placeholders like `{{Order Number}}`, which a supporter sometimes fills in.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from demo.topics import Language

BIKES = (
    "Cube Kathmandu Hybrid", "Riese & Müller Nevo", "Gazelle Ultimate C380", "Trek FX 3",
    "Kalkhoff Endeavour", "Specialized Turbo Vado", "Stevens E-Triton", "Canyon Grizl",
    "Bulls Cross Lite Evo", "Haibike Trekking 6", "Urban Arrow Family", "Brompton C Line",
    "Cube Stereo Hybrid 140", "Ghost E-Teru", "VanMoof S5", "Tern GSD",
)  # fmt: skip
EMPLOYERS = (
    "Stadtwerke Lindenau", "Hansen Logistik GmbH", "Klinikum Nordstadt", "Brightsoft GmbH",
    "Bäckerei Kornblum", "Ingenieurbüro Falk & Partner", "Rheinblick Versicherung AG",
    "Gemeinde Obertal", "Medtec Solutions GmbH", "Verlagshaus Kranich",
)  # fmt: skip
CITIES = (
    "Köln", "Leipzig", "Freiburg", "Hamburg", "Münster", "Dresden", "Karlsruhe", "Bremen",
    "Nürnberg", "Kiel", "Augsburg", "Mainz",
)  # fmt: skip
MONTHS: dict[Language, tuple[str, ...]] = {
    "de": (
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
SLOT = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
ORDER_NUMBER = "{{Order Number}}"
CUSTOMER_NAME = "{{Customer Name}}"


@dataclass(frozen=True)
class ChatFacts:
    """The details a customer may mention in one chat, as they write them."""

    order: str  # as our system shows it, e.g. RB-204511
    order_as_typed: str  # as the customer types it, e.g. rb204511
    bike: str
    employer: str
    city: str
    past_date: str
    next_date: str

    def slot(self, name: str) -> str:
        """The value for a `{name}` slot of a question phrasing."""
        values = {
            "order": self.order_as_typed,
            "bike": self.bike,
            "employer": self.employer,
            "city": self.city,
            "past_date": self.past_date,
            "next_date": self.next_date,
        }
        return values[name]


def draw_facts(rng: random.Random, language: Language, today: date) -> ChatFacts:
    """Details for a chat held on `today` in the given language."""
    order = f"RB-{rng.randint(200000, 289999)}"
    typed = rng.choice((order, order, order, order.replace("-", ""), order.lower()))
    return ChatFacts(
        order=order,
        order_as_typed=typed,
        bike=rng.choice(BIKES),
        employer=rng.choice(EMPLOYERS),
        city=rng.choice(CITIES),
        past_date=_spoken_date(rng, language, today - timedelta(days=rng.randint(3, 40))),
        next_date=_spoken_date(rng, language, today + timedelta(days=rng.randint(7, 75))),
    )


def fill_question(template: str, facts: ChatFacts) -> str:
    """A question phrasing with its slots filled from the chat's details."""
    return SLOT.sub(lambda match: facts.slot(match.group(1)), template)


def fill_answer(template: str, facts: ChatFacts, customer_name: str) -> str:
    """An answer module with its placeholders filled in, as a careful supporter sends it."""
    return template.replace(ORDER_NUMBER, facts.order).replace(CUSTOMER_NAME, customer_name)


def _spoken_date(rng: random.Random, language: Language, day: date) -> str:
    """A date as customers write it: "14.03." or "14. März", "14 March" or "March 14"."""
    month = MONTHS[language][day.month - 1]
    if language == "de":
        return rng.choice((f"{day.day:02d}.{day.month:02d}.", f"{day.day}. {month}"))
    return rng.choice((f"{day.day} {month}", f"{month} {day.day}"))
