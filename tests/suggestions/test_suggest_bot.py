"""`suggest@` in a real room: three suggestions to the supporter, `1` sends, `2+` rates.

The stack's archive gets the synthetic chats, a model is trained with the real
command, and the real bots process serves it.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from slixmpp import JID
from sqlalchemy import select

from bots.suggestions import repository
from bots.suggestions.tables import suggestion_feedback
from tests.conftest import InChat, Person, call, eventually, logged_messages
from tests.stack import Stack, pg_dump
from tests.suggestions.conftest import BATTERY
from tests.xmpp import NS, Client

StartChat = Callable[..., Awaitable[InChat]]
Connect = Callable[[Person], Awaitable[Client]]


async def _supporter_in_chat(
    stack: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> tuple[InChat, Client, Person]:
    """A customer's chat, taken by Sam, with Sam and the bot in the room."""
    ria = await customer_in_chat("Ria")
    sam_person = make_supporter("Sam")
    sam = await connect(sam_person)
    assert call(stack, "POST", f"/api/chats/{ria.chat['id']}/take", sam_person).is_success
    await ria.client.wait_for(lambda: "active" in ria.client.statuses())
    await sam.join(ria.room, "Sam")
    await eventually(lambda: "Suggestions" in _occupants(sam, ria.room) or None, timeout=30)
    return ria, sam, sam_person


def _occupants(client: Client, room: str) -> list[str]:
    return list(client.plugin["xep_0045"].get_roster(JID(room)) or [])


def _offers(sam: Client, room: str) -> list[Any]:
    return [
        m
        for m in sam.direct
        if m["from"].bare == room and m.xml.find(f"{{{NS}}}suggestions") is not None
    ]


async def _ask(ria: InChat, sam: Client, question: str) -> tuple[Any, float]:
    """The customer asks; the offer Sam gets and how long it took."""
    before = len(_offers(sam, ria.room))
    started = time.perf_counter()
    ria.client.say(ria.room, question)
    await sam.wait_for(lambda: len(_offers(sam, ria.room)) > before, timeout=30)
    return _offers(sam, ria.room)[-1], time.perf_counter() - started


async def _answer(sam: Client, room: str, text: str) -> str:
    return await sam.reply_to(f"{room}/Suggestions", text)


async def test_supporter_gets_three_suggestions_sends_one_by_number_and_rates_another(
    suggesting: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    ria, sam, _ = await _supporter_in_chat(suggesting, customer_in_chat, make_supporter, connect)
    offer, _ = await _ask(ria, sam, "Mein Akku lädt nicht mehr, was kann ich tun?")
    lines = offer["body"].splitlines()
    assert [line[:3] for line in lines[:3]] == ["1) ", "2) ", "3) "]
    assert lines[0] == f"1) {BATTERY}"
    assert lines[-1] == "— reply 1-3 to send, e.g. 2+ / 2- to rate"
    items = offer.xml.findall(f"{{{NS}}}suggestions/{{{NS}}}suggestion")
    assert [item.get("rank") for item in items] == ["1", "2", "3"]
    assert len({item.get("id") for item in items}) == 3

    assert await _answer(sam, ria.room, "1") == "Sent suggestion 1."
    await ria.client.wait_for(lambda: any(m.body == BATTERY for m in ria.client.room_messages))
    rows = await eventually(lambda: ria.logged(suggesting, 3))
    assert [(r["kind"], r["sender_name"]) for r in rows if r["body"] == BATTERY] == [
        ("supporter", "Sam")
    ]
    assert await _answer(sam, ria.room, "2+") == "Thanks: suggestion 2 rated up."
    assert await _answer(sam, ria.room, "what?") == (
        "Reply 1, 2 or 3 to send that suggestion, 2+ or 2- to rate it."
    )
    actions = suggesting.db.run_sync(
        lambda conn: conn.execute(
            select(suggestion_feedback.c.action, suggestion_feedback.c.rank)
            .where(suggestion_feedback.c.chat_id == uuid.UUID(ria.chat["id"]))
            .order_by(suggestion_feedback.c.id)
        ).all()
    )
    assert [tuple(a) for a in actions] == [
        ("shown", 1), ("shown", 2), ("shown", 3), ("chosen", 1), ("up", 2)
    ]  # fmt: skip
    records = suggesting.db.run_sync(repository.feedback_records)
    assert sum(r.helpful for r in records.values()) >= 2  # the choice and the thumbs up count
    clusters = suggesting.db.run_sync(
        lambda conn: (
            conn.execute(
                select(suggestion_feedback.c.question_cluster).where(
                    suggestion_feedback.c.chat_id == uuid.UUID(ria.chat["id"])
                )
            )
            .scalars()
            .all()
        )
    )
    assert len(set(clusters)) == 1 and None not in clusters  # counted for this kind of question


async def test_placeholders_are_filled_from_the_chat_or_asked_for(
    suggesting: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    ria, sam, _ = await _supporter_in_chat(suggesting, customer_in_chat, make_supporter, connect)
    offer, _ = await _ask(ria, sam, "Ist mein Leasingvertrag LV-204511 schon verlängert?")
    assert offer["body"].splitlines()[0] == (
        "1) Ihr Leasingvertrag LV-204511 ist verlängert, die neue Laufzeit steht im Portal."
    )

    ria2, sam2, _ = await _supporter_in_chat(suggesting, customer_in_chat, make_supporter, connect)
    offer, _ = await _ask(ria2, sam2, "Wurde die Verlängerung von meinem Vertrag bearbeitet?")
    first = offer.xml.find(f"{{{NS}}}suggestions/{{{NS}}}suggestion[@rank='1']")
    assert first.get("missing") == "Number"
    assert await _answer(sam2, ria2.room, "1") == "Suggestion 1 needs {{Number}}: reply 1 …"
    assert await _answer(sam2, ria2.room, "1 LV-777777") == "Sent suggestion 1."
    filled = "Ihr Leasingvertrag LV-777777 ist verlängert, die neue Laufzeit steht im Portal."
    await ria2.client.wait_for(lambda: any(m.body == filled for m in ria2.client.room_messages))


async def test_the_customer_cannot_command_the_bot(
    suggesting: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    ria, sam, _ = await _supporter_in_chat(suggesting, customer_in_chat, make_supporter, connect)
    await _ask(ria, sam, "Mein Akku lädt nicht")
    answer = await ria.client.reply_to(f"{ria.room}/Suggestions", "1")
    assert answer.startswith("Reply 1, 2 or 3")
    assert not [m for m in ria.client.room_messages if m.body == BATTERY]
    assert not _offers(ria.client, ria.room)


async def test_the_console_gets_sends_and_rates_the_same_suggestions_over_http(
    suggesting: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    ria, sam, sam_person = await _supporter_in_chat(
        suggesting, customer_in_chat, make_supporter, connect
    )
    offer, _ = await _ask(ria, sam, "Der Akku von meinem E-Bike lädt nicht")
    path = f"/api/chats/{ria.chat['id']}/suggestions"
    latest = call(suggesting, "GET", path, sam_person).json()["suggestions"]
    payload = offer.xml.findall(f"{{{NS}}}suggestions/{{{NS}}}suggestion")
    assert [(s["id"], s["text"]) for s in latest] == [(int(p.get("id")), p.text) for p in payload]
    assert call(suggesting, "GET", path, make_supporter("Ben")).json()["suggestions"] == []
    assert call(suggesting, "GET", path, ria.person).status_code == 403
    unknown = call(suggesting, "GET", f"/api/chats/{uuid.uuid4()}/suggestions", sam_person)
    assert unknown.status_code == 404

    edited = "Bitte den Akku über Nacht laden und dann das Display neu starten."
    sent = call(
        suggesting, "POST", f"/api/suggestions/{latest[0]['id']}/send", sam_person,
        json={"text": edited},
    )  # fmt: skip
    assert sent.status_code == 202, sent.text
    await ria.client.wait_for(lambda: any(m.body == edited for m in ria.client.room_messages))
    url = suggesting.settings.database_url
    assert url is not None and edited not in pg_dump(url)
    rated = call(
        suggesting, "POST", f"/api/suggestions/{latest[1]['id']}/feedback", sam_person,
        json={"rating": "down"},
    )  # fmt: skip
    assert rated.status_code == 204
    after = call(suggesting, "GET", path, sam_person).json()
    assert [(s["sent"], s["rating"]) for s in after["suggestions"]] == [
        (True, None), (False, "down"), (False, None)
    ]  # fmt: skip
    assert after["fallback"] == any(s["fallback"] for s in after["suggestions"])

    def counted() -> tuple[int, int]:
        records = suggesting.db.run_sync(repository.feedback_records).values()
        return sum(r.helpful for r in records), sum(r.unhelpful for r in records)

    before = counted()
    for rating, change in (("up", (1, 0)), ("down", (0, 1)), (None, (0, 0))):
        changed = call(
            suggesting, "POST", f"/api/suggestions/{latest[2]['id']}/feedback", sam_person,
            json={"rating": rating},
        )  # fmt: skip
        assert changed.status_code == 204
        # Only the latest rating counts: changed, the earlier one goes; taken back, none.
        assert counted() == (before[0] + change[0], before[1] + change[1])
    assert call(suggesting, "GET", path, sam_person).json()["suggestions"][2]["rating"] is None
    foreign = call(
        suggesting, "POST", f"/api/suggestions/{latest[2]['id']}/send", make_supporter("Ben"),
        json={},
    )  # fmt: skip
    assert foreign.status_code == 404 and foreign.json()["detail"]
    bad = call(
        suggesting, "POST", f"/api/suggestions/{latest[1]['id']}/feedback", sam_person,
        json={"rating": "meh"},
    )  # fmt: skip
    assert bad.status_code == 422


async def test_a_missing_placeholder_over_http_is_a_422_naming_it(
    suggesting: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    ria, sam, sam_person = await _supporter_in_chat(
        suggesting, customer_in_chat, make_supporter, connect
    )
    offer, _ = await _ask(ria, sam, "Wurde die Verlängerung von meinem Vertrag bearbeitet?")
    items = offer.xml.findall(f"{{{NS}}}suggestions/{{{NS}}}suggestion")
    needs_number = next(item for item in items if item.get("missing") == "Number")
    send = f"/api/suggestions/{needs_number.get('id')}/send"
    missing = call(suggesting, "POST", send, sam_person, json={})
    assert missing.status_code == 422
    assert missing.json()["detail"] == "fill in {{Number}} first"
    assert (
        call(suggesting, "POST", send, sam_person, json={"values": ["LV-1234"]}).status_code == 202
    )


def test_any_text_gets_three_suggestions_for_supporters_only(
    suggesting: Stack, make_supporter: Callable[..., Person], make_guest: Callable[[str], Person]
) -> None:
    query = {"text": "Mein Akku lädt nicht mehr"}
    answer = call(suggesting, "POST", "/api/suggestions/query", make_supporter(), json=query)
    found = answer.json()
    assert found["suggestions"][0]["text"] == BATTERY
    assert len(found["suggestions"]) == 3 and found["model_version"] >= 1
    customer = call(suggesting, "POST", "/api/suggestions/query", make_guest("Mia"), json=query)
    assert customer.status_code == 403


async def test_a_question_asked_while_waiting_gets_suggestions_when_the_chat_is_taken(
    suggesting: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    ria = await customer_in_chat("Ria")
    ria.client.say(ria.room, "Mein Akku lädt nicht mehr, was kann ich tun?")
    await eventually(lambda: logged_messages(suggesting, ria.chat["id"], ria.person.token, 2))
    sam_person = make_supporter("Sam")
    sam = await connect(sam_person)
    assert call(suggesting, "POST", f"/api/chats/{ria.chat['id']}/take", sam_person).is_success
    await ria.client.wait_for(lambda: "active" in ria.client.statuses())
    await sam.join(ria.room, "Sam")  # maybe before suggest@ is in, maybe after
    await sam.wait_for(lambda: _offers(sam, ria.room), timeout=30)
    assert _offers(sam, ria.room)[0]["body"].splitlines()[0] == f"1) {BATTERY}"


async def test_a_burst_of_questions_in_one_room_is_suggested_for_its_latest_only() -> None:
    from bots.suggestions.bot import RoomState

    state = RoomState(uuid.uuid4(), uuid.uuid4())
    release = asyncio.Event()
    runs: list[str] = []

    def suggesting(question: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            runs.append(question)
            if question == "first":
                await release.wait()  # the model still works on the first question

        return run

    first = asyncio.create_task(state.for_latest(suggesting("first")))
    await asyncio.sleep(0)
    second = asyncio.create_task(state.for_latest(suggesting("second")))
    third = asyncio.create_task(state.for_latest(suggesting("third")))
    await asyncio.sleep(0)
    release.set()
    assert list(await asyncio.gather(first, second, third)) == [True, False, True]
    assert runs == ["first", "third"]
