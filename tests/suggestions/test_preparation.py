"""Data preparation: cleaning, pairs, answer modules, language, the split by chat."""

from __future__ import annotations

import uuid

import pytest

from bots.suggestions import language, text
from bots.suggestions.conversations import ArchivedChat, Turn, model_text, pairs_of, turn_of
from bots.suggestions.dataset import Options, build
from bots.suggestions.modules import group_answers
from bots.suggestions.repository import archived_conversations
from bots.suggestions.splits import split_chats
from tests.suggestions.archive import MODULES, ONE_OFF
from tests.suggestions.conftest import Databases


@pytest.mark.parametrize(
    ("written", "module"),
    [
        (
            "Hallo Anna, Ihr Vertrag LV-2026-48211 ist verlängert.\n\nViele Grüße\nSam",
            "Ihr Vertrag {{Number}} ist verlängert.",
        ),
        ("Hi Tom! Your order 113542617735902 ships on 12.03.2026. Best regards, Ben",
         "Your order {{Number}} ships on {{Date}}."),
        ("Guten Tag Frau Schmidt,\nschreiben Sie an   service@rad.de. Danke!",
         "schreiben Sie an {{Email}}."),
        ("Dear customer, log into {{Website Name}} and open {{Order Number}}.",
         "log into {{Website Name}} and open {{Order Number}}."),
        ("Danke, ich prüfe das gleich und melde mich bei Ihnen.",
         "Danke, ich prüfe das gleich und melde mich bei Ihnen."),
        ("Das dauert 2 Wochen, Anna. LG Sam", "Das dauert 2 Wochen, {{Customer Name}}."),
    ],
)  # fmt: skip
def test_answers_lose_greetings_and_sign_offs_and_values_become_placeholders(
    written: str, module: str
) -> None:
    assert text.clean_answer(written, text.name_parts("Anna Schmidt", "Tom", "Sam")) == module


def test_answers_that_differ_in_greeting_name_number_or_a_word_are_one_module() -> None:
    names = text.name_parts("Anna", "Tom", "Sam")
    written = [
        "Hallo Anna, Ihr Vertrag 48211 ist verlängert. Viele Grüße, Sam",
        "Hi Tom, Ihr Vertrag 99999 ist verlängert.",
        "Ihr Vertrag 12345 ist verlängert!",
        "Ihr Vertrag 12345 ist jetzt verlängert.",
        "Your order ships tomorrow.",
    ]
    grouping = group_answers([text.clean_answer(answer, names) for answer in written])
    assert [(m.text, m.uses, m.language) for m in grouping.modules] == [
        ("Ihr Vertrag {{Number}} ist verlängert.", 4, "de"),
        ("Your order ships tomorrow.", 1, "en"),
    ]
    assert grouping.labels == [0, 0, 0, 0, 1]


def test_a_question_is_what_the_customer_wrote_until_the_supporter_answered() -> None:
    turns = [
        turn_of("customer", "anna@chat.localhost", "Hallo"),
        turn_of("system", "support.chat.localhost", "Chat active"),
        turn_of("customer", "anna@chat.localhost", "Mein  Akku lädt nicht"),
        turn_of("supporter", "sam@chat.localhost", "Hallo Anna,"),
        turn_of("supporter", "sam@chat.localhost", "Bitte laden Sie ihn ganz auf."),
        turn_of("supporter", "assistant@chat.localhost", "Ich bin der Assistent."),
        turn_of("supporter", "sam@chat.localhost", "Noch etwas?"),
        turn_of("customer", "anna@chat.localhost", "Und wie lange?"),
        turn_of("supporter", "sam@chat.localhost", "Etwa 4 Stunden. Viele Grüße, Sam"),
    ]
    chat = ArchivedChat(uuid.uuid4(), "Anna", "Sam", tuple(t for t in turns if t is not None))
    first, second = pairs_of(chat)
    assert (first.question, first.answer, first.context) == (
        "Hallo\nMein Akku lädt nicht",
        "Bitte laden Sie ihn ganz auf.",
        (),
    )
    assert second.answer == "Etwa 4 Stunden."
    assert second.context[-1] == Turn("supporter", "Noch etwas?")
    assert second.model_text == "Mein Akku lädt nicht\nUnd wie lange?"
    assert model_text("Wie lange dauert das Laden des Akkus?", second.context) == (
        "Wie lange dauert das Laden des Akkus?"
    )


def test_an_answer_that_is_only_a_courtesy_is_kept_as_written() -> None:
    chat = ArchivedChat(
        uuid.uuid4(),
        "Anna",
        None,
        (Turn("customer", "Danke!"), Turn("supporter", "Danke, gern!")),
    )
    assert pairs_of(chat)[0].answer == "Danke, gern!"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Mein Akku lädt nicht", "de"),
        ("wann kommt mein rad", "de"),
        ("My battery does not charge", "en"),
        ("where is my order", "en"),
    ],
)
def test_language_is_german_or_english(question: str, expected: str) -> None:
    assert language.detect(question) == expected


def test_the_split_keeps_each_chat_whole_and_is_the_same_for_the_same_seed() -> None:
    chat_ids = [uuid.UUID(int=n // 2) for n in range(400)]  # two questions per chat
    labels = [n % 7 for n in range(400)]
    first = split_chats(chat_ids, labels, validation=0.1, test=0.1, seed=3)
    assert set(first) == set(chat_ids)  # one split per chat, so no chat is in two
    assert sorted(first.values()).count("test") == pytest.approx(20, abs=4)
    assert split_chats(chat_ids, labels, validation=0.1, test=0.1, seed=3) == first
    assert split_chats(chat_ids, labels, validation=0.1, test=0.1, seed=4) != first


def test_the_archive_becomes_modules_and_a_split_by_chat(archived: Databases) -> None:
    chats = archived.archive.run_sync(archived_conversations, archived.archive_cipher)
    dataset = build(chats, Options(seed=1))
    texts = {m.text for m in dataset.modules}
    assert texts == {template.format(number="{{Number}}") for template, _ in MODULES.values()}
    assert [m.text for m in dataset.rare] == [ONE_OFF]
    chats_by_split: dict[str, set[uuid.UUID]] = {}
    for example in dataset.examples:
        chats_by_split.setdefault(example.split, set()).add(example.pair.chat_id)
    train, validation, test = (chats_by_split[s] for s in ("train", "validation", "test"))
    assert not (train & validation or train & test or validation & test)
    assert build(chats, Options(seed=1)).examples == dataset.examples
    stats = dataset.statistics()
    assert stats["chats"] == len(chats) == 73
    assert stats["module_languages"] == {"de": 3, "en": 3}
    assert stats["rare_modules"] == 1
    assert sum(part["chats"] for part in stats["splits"].values()) == 72  # the one-off's chat
    assert set(stats["languages"]) == {"de", "en"}
