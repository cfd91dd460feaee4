"""A small synthetic archive of bike-leasing chats in German and English (import format).

Six answer modules, each written by supporters with and without greetings,
sign-offs, the customer's name and an order number, plus one one-off answer;
questions vary in wording. Seeded, so every run writes the same file.
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from typing import Any

MODULES: dict[str, tuple[str, list[str]]] = {
    "battery": (
        "Bitte laden Sie den Akku einmal vollständig auf und starten Sie das Display neu.",
        [
            "Mein Akku lädt nicht mehr",
            "Der Akku von meinem E-Bike lädt nicht, was kann ich tun?",
            "Akku wird nicht geladen",
            "Mein Akku ist kaputt, er lädt einfach nicht",
            "Warum lädt der Akku nicht?",
        ],
    ),
    "contract": (
        "Ihr Leasingvertrag {number} ist verlängert, die neue Laufzeit steht im Portal.",
        [
            "Ist mein Leasingvertrag schon verlängert?",
            "Wurde die Verlängerung von meinem Vertrag bearbeitet?",
            "Ich wollte fragen ob mein Vertrag verlängert wurde",
            "Wie ist der Stand bei der Vertragsverlängerung?",
        ],
    ),
    "abroad": (
        "Your bike is insured in all EU countries; please carry the insurance card with you.",
        [
            "Is my e-bike covered abroad?",
            "Am I insured when I take the bike to France?",
            "Does the insurance cover trips to other countries?",
            "I am going on holiday to Italy with my bike, is it insured there?",
        ],
    ),
    "cancel": (
        "You can end the lease early through your employer; we then send you the buyout offer.",
        [
            "How can I cancel my lease early?",
            "I am leaving my employer, what happens to my bike lease?",
            "Can I end the leasing contract before it runs out?",
            "I want to terminate the lease, how does that work?",
        ],
    ),
    "repair": (
        "Bitte vereinbaren Sie einen Termin bei einer Partnerwerkstatt, die Kosten übernimmt "
        "die Versicherung.",
        [
            "Meine Bremse quietscht, wo kann ich das reparieren lassen?",
            "Wer bezahlt die Reparatur von meinem Rad?",
            "Die Schaltung ist kaputt, was soll ich machen?",
            "Wo kann ich mein Fahrrad reparieren lassen?",
        ],
    ),
    "shipping": (
        "Your order {number} ships within 5 working days.",
        [
            "When will my bike be delivered?",
            "Where is my order?",
            "How long does the delivery of my new bike take?",
            "My bike has not arrived yet, when does it ship?",
        ],
    ),
}
CUSTOMERS = ["Anna Schmidt", "Tom Becker", "Lena Wolf", "Jonas Klein", "Mia Braun", "Paul Roth"]
SUPPORTERS = ["Sam", "Ben"]
GREETINGS = {"de": ["Hallo {first},", "Guten Tag {name},", ""], "en": ["Hi {first}!", ""]}
SIGN_OFFS = {"de": ["Viele Grüße\n{supporter}", ""], "en": ["Best regards, {supporter}", ""]}
ONE_OFF = "Da muss ich kurz bei der Buchhaltung nachfragen und melde mich morgen."
CHATS_PER_MODULE = 12


def language_of(module: str) -> str:
    """The language a module is written in."""
    return "en" if module in ("abroad", "cancel", "shipping") else "de"


def answer(module: str, rng: random.Random, customer: str, supporter: str) -> str:
    """A supporter's answer of this module, dressed the way people write it."""
    language = language_of(module)
    greeting = rng.choice(GREETINGS[language]).format(first=customer.split()[0], name=customer)
    body = MODULES[module][0].format(number=rng.randrange(10_000, 99_999))
    sign_off = rng.choice(SIGN_OFFS[language]).format(supporter=supporter)
    return "\n".join(part for part in (greeting, body, sign_off) if part)


def chat(number: int, module: str, rng: random.Random) -> dict[str, Any]:
    """One chat about a module, sometimes with a second question about another one."""
    customer, supporter = rng.choice(CUSTOMERS), rng.choice(SUPPORTERS)
    messages: list[dict[str, str]] = []
    if number % 3 == 0:
        messages.append({"role": "user", "body": "Hallo" if language_of(module) == "de" else "Hi"})
    messages.append({"role": "user", "body": rng.choice(MODULES[module][1])})
    if number % 4 == 0:  # a greeting first, the answer in the next message
        messages.append({"role": "supporter", "body": f"Hallo {customer.split()[0]},"})
        messages.append({"role": "supporter", "body": MODULES[module][0].format(number=4711_0)})
    else:
        messages.append({"role": "supporter", "body": answer(module, rng, customer, supporter)})
    if number % 5 == 0:
        other = rng.choice(sorted(MODULES))
        messages.append({"role": "user", "body": rng.choice(MODULES[other][1])})
        messages.append({"role": "supporter", "body": answer(other, rng, customer, supporter)})
    chat_id = uuid.uuid5(uuid.NAMESPACE_URL, f"synthetic/{module}/{number}")
    return {"id": str(chat_id), "customer": customer, "messages": messages, "subject": module}


def write_archive(path: Path) -> list[dict[str, Any]]:
    """Write the synthetic archive as import lines; return them."""
    rng = random.Random(7)
    lines = [
        chat(number, module, rng)
        for module in sorted(MODULES)
        for number in range(CHATS_PER_MODULE)
    ]
    lines.append(
        {
            "customer": "Eva Lang",
            "messages": [
                {"role": "user", "body": "Kann ich die Rate für März später zahlen?"},
                {"role": "supporter", "body": ONE_OFF},
            ],
        }
    )
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    return lines
