"""Customers rate the assistant's answers; supporters see the ratings per article."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import Connection, select

from bots.assistant import ratings, repository
from bridge.archive.service import open_archive
from bridge.archive.tables import archived_ratings
from bridge.chats import repository as chats
from bridge.chats.states import Status
from bridge.messages.crypto import KeyStore, MessageCipher
from tests.assistant.test_endpoints import ask
from tests.conftest import Person, call, open_chat
from tests.stack import Stack, run_cli

SQL = "'; DROP TABLE assistant_ratings; --"
HTML = "<img src=x onerror=alert(1)>"


def logged_answer(
    stack: Stack, chat_id: str | None, question: str, articles: list[str], action: str = "answer"
) -> str:
    """An assistant answer (or handover) in the decision log, as the room bot logs it; its id."""
    cipher = MessageCipher(KeyStore.for_messages(stack.settings))
    decision_id = uuid.uuid4()

    def log(conn: Connection) -> None:
        repository.insert_decision(
            conn,
            decision_id=decision_id,
            chat_id=uuid.UUID(chat_id) if chat_id else None,
            sealed=repository.seal_question(cipher, question, decision_id=decision_id),
            action=action,
            reason="confident" if action == "answer" else "low_confidence",
            scores={},
            article_ids=[uuid.UUID(article) for article in articles],
            latency_ms=12.0,
        )

    stack.db.run_sync(log)
    return str(decision_id)


def rate(stack: Stack, person: Person, answer_id: str, rating: object) -> httpx.Response:
    """POST /api/messages/{id}/rating as this person."""
    return call(stack, "POST", f"/api/messages/{answer_id}/rating", person, json={"rating": rating})


def article(stack: Stack, supporter: Person, title: str = "Akku laden") -> str:
    """A new article's id."""
    content = {"title": f"{title} {uuid.uuid4().hex[:6]}", "body": "Text", "language": "de"}
    answer = call(stack, "POST", "/api/kb/articles", supporter, json=content)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def figures(stack: Stack, supporter: Person, article_id: str) -> dict[str, Any]:
    """GET /api/kb/articles/{id}/ratings as the supporter."""
    answer = call(stack, "GET", f"/api/kb/articles/{article_id}/ratings", supporter)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def listed(stack: Stack, supporter: Person, article_id: str) -> dict[str, int]:
    """The ratings the article list shows for an article."""
    items = call(stack, "GET", "/api/kb/articles", supporter).json()
    counts: dict[str, int] = next(item for item in items if item["id"] == article_id)["ratings"]
    return counts


def test_customer_rates_an_answer_changes_it_and_takes_it_back(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    anna, sam = make_guest("Anna"), make_supporter("Sam")
    source, other = article(stack, sam), article(stack, sam, "Diebstahl")
    chat = open_chat(stack, anna, "Akku")
    answer = logged_answer(stack, chat["id"], "Wie lade ich den Akku?", [source, other])

    assert rate(stack, anna, answer, "up").status_code == 204
    assert rate(stack, anna, answer, "up").status_code == 204  # again: still one rating
    assert figures(stack, sam, source)["ratings"] == {"up": 1, "down": 0}
    assert listed(stack, sam, other) == {"up": 1, "down": 0}  # every source article counts it

    assert rate(stack, anna, answer, "down").status_code == 204
    shown = figures(stack, sam, source)
    assert shown["ratings"] == {"up": 0, "down": 1}
    assert [item["question"] for item in shown["down_rated"]] == ["Wie lade ich den Akku?"]
    assert listed(stack, sam, source) == {"up": 0, "down": 1}

    assert rate(stack, anna, answer, None).status_code == 204
    assert figures(stack, sam, source) == {
        "article_id": source,
        "ratings": {"up": 0, "down": 0},
        "down_rated": [],
    }
    assert rate(stack, anna, answer, None).status_code == 204  # nothing left to take back


def test_only_the_chats_customer_rates_its_answers(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    anna, ben, sam = make_guest("Anna"), make_guest("Ben"), make_supporter("Sam")
    source = article(stack, sam)
    answer = logged_answer(stack, open_chat(stack, anna)["id"], "Frage", [source])
    without_chat = logged_answer(stack, None, "Frage ohne Chat", [source])
    for person, answer_id in (
        (ben, answer),
        (sam, answer),
        (anna, str(uuid.uuid4())),
        (anna, without_chat),
    ):
        refused = rate(stack, person, answer_id, "down")
        assert refused.status_code == 404, (person.name, refused.text)
        assert refused.json()["detail"] == "no such answer in your chats"
    for forged in ("1", "abc", "1%20OR%201=1", "%27%3B%20DROP%20TABLE%20chats%3B--"):
        assert rate(stack, anna, forged, "up").status_code == 422, forged
    anonymous = httpx.post(f"{stack.api}/api/messages/{answer}/rating", json={"rating": "up"})
    assert anonymous.status_code == 401
    assert figures(stack, sam, source)["ratings"] == {"up": 0, "down": 0}


def test_bad_ratings_are_422_with_a_detail(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    anna = make_guest("Anna")
    answer = logged_answer(stack, open_chat(stack, anna)["id"], "Frage", [])
    for bad in ("sideways", "UP", "", 1, True, ["up"], SQL, HTML, "up\x00"):
        refused = rate(stack, anna, answer, bad)
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.json()["detail"]
    missing = call(stack, "POST", f"/api/messages/{answer}/rating", anna, json={})
    assert missing.status_code == 422


def test_a_handover_cannot_be_rated(stack: Stack, make_guest: Callable[[str], Person]) -> None:
    anna = make_guest("Anna")
    chat = open_chat(stack, anna)
    reply = ask(stack, anna, chat_id=chat["id"], body="Hallo", ask_for_person=True).json()
    assert reply["handed_off"] is True
    refused = rate(stack, anna, reply["id"], "down")
    assert refused.status_code == 422
    assert refused.json()["detail"] == "only answers can be rated, not a handover to a person"


def test_two_down_rated_answers_hand_the_chat_to_a_person(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    anna = make_guest("Anna")
    chat = open_chat(stack, anna)
    first, second = (logged_answer(stack, chat["id"], "Frage", []) for _ in range(2))
    rate(stack, anna, first, "down")
    rate(stack, anna, second, "up")
    down = stack.db.run_sync(ratings.down_rated_in_chat, uuid.UUID(chat["id"]))
    assert down == 1
    rate(stack, anna, second, "down")
    reply = ask(stack, anna, chat_id=chat["id"], body="Und wie lade ich den Akku?").json()
    assert reply["handed_off"] is True and reply["reason"] == "down_rated"
    # Handed over (and, later, back): the old ratings no longer count.
    assert stack.db.run_sync(ratings.down_rated_in_chat, uuid.UUID(chat["id"])) == 0


def test_article_figures_show_the_latest_down_rated_questions_as_written(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    anna, sam = make_guest("Anna"), make_supporter("Sam")
    source = article(stack, sam)
    chat = open_chat(stack, anna)
    questions = [f"Frage {n}" for n in range(5)] + [SQL, HTML]
    for question in questions:
        rate(stack, anna, logged_answer(stack, chat["id"], question, [source]), "down")
    rate(stack, anna, logged_answer(stack, chat["id"], "Danke", [source]), "up")
    shown = figures(stack, sam, source)
    assert shown["ratings"] == {"up": 1, "down": 7}
    assert [item["question"] for item in shown["down_rated"]] == questions[::-1][:5]
    assert all(item["rated_at"] for item in shown["down_rated"])

    unknown = call(stack, "GET", f"/api/kb/articles/{uuid.uuid4()}/ratings", sam)
    assert unknown.status_code == 404
    customer = call(stack, "GET", f"/api/kb/articles/{source}/ratings", anna)
    assert customer.status_code == 403


def test_an_archived_chat_takes_its_ratings_along_and_the_article_keeps_its_figures(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    anna, sam = make_guest("Anna"), make_supporter("Sam")
    source = article(stack, sam)
    chat = open_chat(stack, anna)
    chat_id = uuid.UUID(chat["id"])
    liked = logged_answer(stack, chat["id"], "Wie lade ich den Akku?", [source])
    disliked = logged_answer(stack, chat["id"], "Wo finde ich den Vertrag?", [source])
    rate(stack, anna, liked, "up")
    rate(stack, anna, disliked, "down")
    stack.db.run_sync(chats.update_chat, chat_id, status=Status.ENDED, ended_at=datetime.now(UTC))

    assert run_cli(stack, "archive", "--older-than", "0s").stdout.startswith("archived ")
    archive = open_archive(stack.settings)
    kept = archive.run_sync(
        lambda conn: {
            (str(row.answer_id), row.rating)
            for row in conn.execute(
                select(archived_ratings).where(archived_ratings.c.chat_id == chat_id)
            )
        }
    )
    archive.engine.dispose()
    assert kept == {(liked, "up"), (disliked, "down")}
    assert figures(stack, sam, source)["ratings"] == {"up": 1, "down": 1}
    assert rate(stack, anna, liked, "down").status_code == 404  # the chat left the live database


def test_a_flood_of_ratings_gets_429_with_retry_after(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    anna = make_guest("Anna")
    answer = logged_answer(stack, open_chat(stack, anna)["id"], "Frage", [])
    codes = [rate(stack, anna, answer, ("up", "down")[n % 2]).status_code for n in range(31)]
    assert codes == [204] * 30 + [429]
    refused = rate(stack, anna, answer, "up")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "too many ratings" in refused.json()["detail"]
