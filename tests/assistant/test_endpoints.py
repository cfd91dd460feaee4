"""POST /api/bot/messages as customers use it: signed in, in their own chat, with plain text."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conftest import Person, call
from tests.stack import Stack

TIMEOUT = 120  # the api loads its embedding model at the first question


def ask(stack: Stack, person: Person, **body: object) -> httpx.Response:
    """The assistant's answer to this person."""
    return httpx.post(
        f"{stack.api}/api/bot/messages",
        headers={"Authorization": f"Bearer {person.token}"},
        json=body,
        timeout=TIMEOUT,
    )


def test_customer_gets_an_answer_or_a_handover_with_its_reason(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    anna = make_guest("Anna")
    chat = call(stack, "POST", "/api/chats", anna, json={"subject": "Frage"}).json()
    answer = ask(stack, anna, chat_id=chat["id"], body="Ich möchte mit einem Menschen sprechen")
    assert answer.status_code == 200, answer.text
    reply = answer.json()
    assert reply["handed_off"] is True and reply["reason"] == "asked_for_person"
    assert set(reply) == {"id", "answer", "sources", "handed_off", "reason"}
    pressed = ask(stack, anna, body="Hallo", ask_for_person=True).json()
    assert pressed["reason"] == "asked_for_person"


def test_someone_elses_chat_is_not_found(stack: Stack, make_guest: Callable[[str], Person]) -> None:
    anna, ben = make_guest("Anna"), make_guest("Ben")
    chat = call(stack, "POST", "/api/chats", anna, json={"subject": "Frage"}).json()
    answer = ask(stack, ben, chat_id=chat["id"], body="Wo ist mein Rad?")
    assert answer.status_code == 404 and answer.json()["detail"] == "no such chat"


def test_bad_bodies_are_422_and_no_token_is_401(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    anna = make_guest("Anna")
    for body in ("", "   ", "x" * 2001, "Hallo\x00"):
        answer = ask(stack, anna, body=body)
        assert answer.status_code == 422, (body[:10], answer.text)
    anonymous = httpx.post(f"{stack.api}/api/bot/messages", json={"body": "Hallo"})
    assert anonymous.status_code == 401


def test_a_flood_of_messages_gets_429_with_retry_after(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    anna, ben = make_guest("Anna"), make_guest("Ben")
    answers = [ask(stack, anna, body="Hallo", ask_for_person=True) for _ in range(31)]
    assert [a.status_code for a in answers] == [200] * 30 + [429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert "too many messages" in answers[-1].json()["detail"]
    assert ask(stack, ben, body="Hallo", ask_for_person=True).status_code == 200  # others go on
