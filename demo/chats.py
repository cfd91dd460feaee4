"""One demo chat: a customer asks about one or two topics, a supporter answers.

A chat is first written as a script of turns (who says what), then each turn gets
a time: customers type for a few seconds to minutes, the first answer comes after
a wait in the queue.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from demo.people import Customer, draw_customer, draw_supporter
from demo.phrases import COURTESIES, Courtesies
from demo.slots import ChatFacts, draw_facts, fill_answer, fill_question
from demo.topics import Language, Topic

Role = Literal["user", "supporter"]
AskKind = Literal["first", "next_topic", "clarify"]
Turn = tuple[Role, str]

BERLIN = ZoneInfo("Europe/Berlin")
GERMAN_SHARE = 0.55
TWO_TOPICS = 0.4  # chats about a second topic
CLARIFY = 0.22  # a question asked again in other words
SEPARATE_HELLO = 0.12  # "Hallo" as a message of its own before the question
OPENER = 0.3  # "Hallo, " in front of the first question
NEXT_TOPIC_LEAD = 0.5  # "Und noch eine Frage: " in front of a second topic
ONE_MOMENT = 0.1  # the supporter looks something up before the first answer
SALUTATION = 0.4  # "Hallo Frau Weber," in front of the first answer
VARIANT = 0.35  # a reworded form of the answer instead of the canonical one
SIGN_OFF = 0.2  # "Viele Grüße, Gabi" under the last answer
THANKS = 0.55
WELCOME = 0.85  # a thank-you answered with "Gern geschehen!"
ANYTHING_ELSE = 0.25  # of the chats without thanks: "Kann ich sonst noch etwas tun?"
WEEKEND_TO_FRIDAY = 0.8  # few people chat at the weekend: most such chats move to Friday
OPENS, CLOSES = 7 * 60 + 30, 19 * 60  # support hours in Berlin, minutes after midnight


@dataclass(frozen=True)
class Message:
    """One message of a chat as the archive import reads it."""

    role: Role
    body: str
    created_at: datetime


@dataclass(frozen=True)
class DemoChat:
    """A finished chat, with the topics it was about and its language."""

    id: uuid.UUID
    customer: str
    language: Language
    topic_ids: tuple[str, ...]
    messages: tuple[Message, ...]
    ended_at: datetime

    def to_line(self) -> dict[str, Any]:
        """The chat as one object of the archive import format (plus language and topics)."""
        return {
            "id": str(self.id),
            "customer": self.customer,
            "language": self.language,
            "topics": list(self.topic_ids),
            "ended_at": _iso(self.ended_at),
            "messages": [
                {"role": m.role, "body": m.body, "created_at": _iso(m.created_at)}
                for m in self.messages
            ],
        }


@dataclass(frozen=True)
class Ask:
    """A question a customer will ask: its topic, phrasing and how it relates to the last one."""

    topic: Topic
    template: str
    kind: AskKind


@dataclass(frozen=True)
class Scene:
    """Who talks in a chat, in which language, about which concrete order."""

    rng: random.Random
    language: Language
    customer: Customer
    supporter: str
    facts: ChatFacts

    @property
    def says(self) -> Courtesies:
        """The small talk in the chat's language."""
        return COURTESIES[self.language]

    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return self.rng.random() < probability


def build_chat(
    rng: random.Random,
    *,
    chat_id: uuid.UUID,
    first_topic: Topic,
    topics: tuple[Topic, ...],
    start: datetime,
) -> DemoChat:
    """A chat that starts at `start` and is mainly about `first_topic`."""
    language: Language = "de" if rng.random() < GERMAN_SHARE else "en"
    scene = Scene(
        rng,
        language,
        draw_customer(rng, language),
        draw_supporter(rng),
        draw_facts(rng, language, start.astimezone(BERLIN).date()),
    )
    asks = plan_questions(rng, language, first_topic, topics)
    messages, ended_at = stamp(rng, write_script(scene, asks), start)
    topic_ids = tuple(dict.fromkeys(ask.topic.id for ask in asks))
    return DemoChat(chat_id, scene.customer.display_name, language, topic_ids, messages, ended_at)


def plan_questions(
    rng: random.Random, language: Language, first: Topic, topics: tuple[Topic, ...]
) -> list[Ask]:
    """One to three questions on one or two topics, each maybe asked again in other words."""
    chosen = [first]
    if rng.random() < TWO_TOPICS:
        chosen.append(rng.choice([topic for topic in topics if topic.id != first.id]))
    asks: list[Ask] = []
    for number, topic in enumerate(chosen):
        phrasings = rng.sample(topic.phrasebook(language).questions, 2)
        asks.append(Ask(topic, phrasings[0], "first" if number == 0 else "next_topic"))
        if len(asks) < 3 and rng.random() < CLARIFY:
            asks.append(Ask(topic, phrasings[1], "clarify"))
    return asks


def write_script(scene: Scene, asks: list[Ask]) -> list[Turn]:
    """Every turn of the chat, in order."""
    turns: list[Turn] = []
    for number, ask in enumerate(asks):
        turns += customer_asks(scene, ask)
        turns += supporter_answers(scene, ask, first=number == 0, last=number == len(asks) - 1)
    return turns + closing(scene)


def customer_asks(scene: Scene, ask: Ask) -> list[Turn]:
    """The customer's message(s) with one question."""
    says = scene.says
    question = fill_question(ask.template, scene.facts)
    if ask.kind == "clarify":
        lead = scene.rng.choice(says.clarify)
    elif ask.kind == "next_topic":
        lead = scene.rng.choice(says.next_topic) if scene.chance(NEXT_TOPIC_LEAD) else ""
    elif scene.chance(SEPARATE_HELLO):
        return [("user", scene.rng.choice(says.hellos)), ("user", question)]
    else:
        lead = scene.rng.choice(says.openers) if scene.chance(OPENER) else ""
    return [("user", _after_lead(lead, question, scene.language))]


def supporter_answers(scene: Scene, ask: Ask, *, first: bool, last: bool) -> list[Turn]:
    """The supporter's answer, maybe with a salutation, a hold message or a sign-off."""
    book = ask.topic.phrasebook(scene.language)
    use_variant = ask.kind == "clarify" or scene.chance(VARIANT)
    answer = scene.rng.choice(book.variants) if use_variant else book.answer
    # Supporters fill the module's placeholders in: customers never see `{{...}}`.
    answer = fill_answer(answer, scene.facts, scene.customer.display_name)
    turns: list[Turn] = []
    salutation = scene.customer.salutation(scene.language, scene.rng)
    if first and scene.chance(ONE_MOMENT):
        turns.append(("supporter", f"{salutation} {scene.rng.choice(scene.says.one_moment)}"))
    elif first and scene.chance(SALUTATION):
        answer = salutation + scene.rng.choice(("\n", "\n\n")) + answer
    if last and scene.chance(SIGN_OFF):
        sign_off = scene.rng.choice(scene.says.sign_offs).format(supporter=scene.supporter)
        answer = f"{answer}\n\n{sign_off}"
    return [*turns, ("supporter", answer)]


def closing(scene: Scene) -> list[Turn]:
    """Thanks and goodbyes after the last answer, or nothing when the customer just leaves."""
    says = scene.says
    if scene.chance(THANKS):
        turns: list[Turn] = [("user", scene.rng.choice(says.thanks))]
        if scene.chance(WELCOME):
            turns.append(("supporter", scene.rng.choice(says.welcomes)))
        return turns
    if scene.chance(ANYTHING_ELSE):
        return [
            ("supporter", scene.rng.choice(says.anything_else)),
            ("user", scene.rng.choice(says.nothing_else)),
            ("supporter", scene.rng.choice(says.welcomes)),
        ]
    return []


def stamp(
    rng: random.Random, turns: list[Turn], start: datetime
) -> tuple[tuple[Message, ...], datetime]:
    """The turns as messages with times from `start` on, and when the chat ended."""
    messages: list[Message] = []
    at = start
    answered = False
    for role, body in turns:
        if messages:
            at += timedelta(seconds=_pause(rng, messages[-1].role, role, answered))
        answered = answered or role == "supporter"
        messages.append(Message(role, body, at))
    return tuple(messages), at + timedelta(seconds=rng.randint(30, 300))


def draw_start(rng: random.Random, until: datetime, days: int = 183) -> datetime:
    """A start time during Berlin office hours, mostly on weekdays, in the `days` before `until`."""
    day = until.astimezone(BERLIN).date() - timedelta(days=rng.randint(1, days))
    if day.weekday() >= 5 and rng.random() < WEEKEND_TO_FRIDAY:
        day -= timedelta(days=day.weekday() - 4)
    # The mean of two uniform draws: more chats around midday than at opening or closing.
    minute = OPENS + int((rng.random() + rng.random()) / 2 * (CLOSES - OPENS))
    local = datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)), BERLIN)
    return local.astimezone(UTC)


def _pause(rng: random.Random, previous: Role, role: Role, answered: bool) -> int:
    """Seconds between two messages: typing time, or the wait in the queue."""
    if role == "supporter" and not answered:
        return rng.randint(30, 420)
    if role == "supporter":
        return rng.randint(20, 120) if previous == "supporter" else rng.randint(30, 180)
    return rng.randint(5, 45) if previous == "user" else rng.randint(15, 150)


def _after_lead(lead: str, question: str, language: Language) -> str:
    """The question after a lead-in like "Hi, " or "Just to be sure: ".

    English goes on in lower case after a comma or colon ("Hi, how do I..."); German
    keeps its capitals, since nouns have them and a full sentence after a colon does too.
    """
    if language == "en" and lead.endswith((", ", ": ")) and question[1:2].islower():
        question = question[:1].lower() + question[1:]
    return lead + question


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
