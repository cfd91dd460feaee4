"""Who chats in the demo archive: customers (with how a supporter greets them) and supporters."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from demo.topics import Language

Gender = Literal["f", "m"]

FIRST_NAMES: dict[Language, dict[Gender, tuple[str, ...]]] = {
    "de": {
        "f": (
            "Anna", "Julia", "Katharina", "Sabine", "Lena", "Sarah", "Laura", "Monika",
            "Petra", "Aylin", "Magdalena", "Nina", "Sophie", "Claudia", "Elif", "Franziska",
        ),
        "m": (
            "Thomas", "Michael", "Jan", "Lukas", "Stefan", "Markus", "Tobias", "Florian",
            "Mehmet", "Piotr", "Andreas", "Daniel", "Felix", "Jonas", "Matthias", "Uwe",
        ),
    },
    "en": {
        "f": (
            "Emma", "Olivia", "Priya", "Sofia", "Grace", "Chloe", "Ana", "Mei",
            "Hannah", "Fatima", "Laura", "Sarah",
        ),
        "m": (
            "Tom", "James", "David", "Ravi", "Lucas", "Mateo", "Daniel", "Kevin",
            "Arjun", "Liam", "Omar", "Chris",
        ),
    },
}  # fmt: skip
LAST_NAMES: dict[Language, tuple[str, ...]] = {
    "de": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz",
        "Zimmermann", "Krüger", "Hartmann", "Yilmaz", "Kowalski", "Nowak", "Schäfer", "Braun",
        "Vogel", "Lehmann", "Kaya", "Huber", "Lange", "Franke",
    ),
    "en": (
        "Smith", "Johnson", "O'Connor", "Sharma", "García", "Rossi", "Chen", "Kim",
        "Novak", "Brown", "Patel", "Wilson", "Kowalczyk", "Nguyen", "Evans", "Taylor",
        "Becker", "Schmidt",
    ),
}  # fmt: skip
SUPPORTERS = ("Gabi", "Sam", "Jonas", "Leonie", "Mehmet", "Clara", "Tobias", "Svenja")
FULL_NAME_SHARE = 0.75  # the rest type only their first name


@dataclass(frozen=True)
class Customer:
    """A customer: their name parts and the name they typed when starting the chat."""

    first: str
    last: str
    gender: Gender
    typed_full_name: bool

    @property
    def display_name(self) -> str:
        """The name the customer gave on the chat page."""
        return f"{self.first} {self.last}" if self.typed_full_name else self.first

    def salutation(self, language: Language, rng: random.Random) -> str:
        """How a supporter opens a message to this customer, e.g. "Hallo Frau Weber,"."""
        if language == "en":
            return f"{rng.choice(('Hi', 'Hi', 'Hello'))} {self.first},"
        if not self.typed_full_name:
            return f"Hallo {self.first},"
        title = "Frau" if self.gender == "f" else "Herr"
        return f"{rng.choice(('Hallo', 'Hallo', 'Guten Tag'))} {title} {self.last},"


def draw_customer(rng: random.Random, language: Language) -> Customer:
    """A customer who writes in the given language."""
    gender: Gender = rng.choice(("f", "m"))
    return Customer(
        first=rng.choice(FIRST_NAMES[language][gender]),
        last=rng.choice(LAST_NAMES[language]),
        gender=gender,
        typed_full_name=rng.random() < FULL_NAME_SHARE,
    )


def draw_supporter(rng: random.Random) -> str:
    """The first name of the supporter who answers a chat."""
    return rng.choice(SUPPORTERS)
