"""A supporter opens a chat for a customer and sends a link; the customer lands in the room."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from slixmpp import JID

from bridge.db import invitations
from tests.conftest import Person
from tests.stack import Stack
from tests.xmpp import NS, Client

Connect = Callable[[Person], Awaitable[Client]]


def _invite(stack: Stack, supporter: Person, **body: str) -> httpx.Response:
    return httpx.post(
        f"{stack.api}/api/invitations",
        json=body,
        headers={"Authorization": f"Bearer {supporter.token}"},
    )


def _queue_notices(supporter: Client, chat_id: str) -> list[Any]:
    """The bodiless notices that make consoles refresh this chat."""
    notice = f"{{{NS}}}queue[@chat='{chat_id}']"
    return [m for m in supporter.direct if not m["body"] and m.xml.find(notice) is not None]


def _page(url: str) -> httpx.Response:
    return httpx.get(url)


def _accept(stack: Stack, code: str, name: str | None = None) -> httpx.Response:
    return httpx.post(f"{stack.api}/api/invitations/{code}/accept", json={"display_name": name})


async def test_invited_customer_lands_in_the_supporters_chat(
    stack: Stack, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    sam_person = make_supporter("Sam")
    sam = await connect(sam_person)
    answer = _invite(stack, sam_person, subject="Your leasing offer", email="lena@example.com")
    assert answer.status_code == 201
    issued = answer.json()
    assert len(issued["code"]) >= 32  # at least 128 random bits, urlsafe
    assert issued["url"] == f"{stack.settings.site_url}/i/{issued['code']}"
    assert (issued["chat"]["status"], issued["chat"]["assignee"]["display_name"]) == (
        "active",
        "Sam",
    )
    expires = datetime.fromisoformat(issued["expires_at"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)

    page = _page(issued["url"])
    assert page.status_code == 200 and 'id="start-form"' in page.text
    await sam.wait_for(lambda: _queue_notices(sam, issued["chat"]["id"]))  # "invited" is done
    notices_before = len(_queue_notices(sam, issued["chat"]["id"]))
    session = _accept(stack, issued["code"], "Lena").json()
    assert session["chat"]["id"] == issued["chat"]["id"]
    assert session["user"]["display_name"] == "Lena"
    # Consoles hear of the new name at once (a queue notice makes them refresh).
    await sam.wait_for(lambda: len(_queue_notices(sam, issued["chat"]["id"])) > notices_before)
    await sam.wait_for(
        lambda: any("You have the chat with" in (m["body"] or "") for m in sam.direct)
    )

    lena = await connect(
        Person(
            session["user"]["id"],
            "Lena",
            session["xmpp"]["jid"],
            session["token"],
            session["token"],
        )
    )
    await lena.join(issued["chat"]["room_jid"], "Lena")
    history = await lena.history(issued["chat"]["room_jid"])
    assert [m.status for m in history if m.status] == ["active"]
    await sam.join(issued["chat"]["room_jid"], "Sam")
    sam.say(issued["chat"]["room_jid"], "Hello Lena, here is your offer")
    await lena.wait_for(lambda: any(m.nick == "Sam" for m in lena.room_messages))


def test_unknown_and_expired_links_get_friendly_pages_and_404_410(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    issued = _invite(stack, make_supporter("Sam")).json()
    unknown = httpx.get(f"{stack.api}/i/{'x' * 32}")
    assert unknown.status_code == 404 and "Link not found" in unknown.text
    assert _accept(stack, "x" * 32).status_code == 404

    stack.db.run_sync(
        lambda conn: conn.execute(
            invitations.update()
            .where(invitations.c.chat_id == uuid.UUID(issued["chat"]["id"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    )
    expired = httpx.get(issued["url"])
    assert expired.status_code == 410 and "Link expired" in expired.text
    gone = _accept(stack, issued["code"])
    assert gone.status_code == 410 and gone.json()["detail"] == "this invitation link has expired"


def test_only_supporters_invite_and_input_is_checked(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    assert _invite(stack, make_guest("Mia")).status_code == 403
    assert _invite(stack, make_supporter("Sam"), email="not an email").status_code == 422
    assert _invite(stack, make_supporter("Sam"), subject="x" * 201).status_code == 422


async def test_invite_by_chat_command_and_adhoc_form(
    stack: Stack, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    sam = await connect(make_supporter("Sam"))
    support = stack.settings.component_jid
    reply = await sam.reply_to(support, "invite Brakes squeak")
    intro, link = reply.splitlines()
    assert intro.startswith("Send this link to the customer (valid until ")
    assert _page(link).status_code == 200
    session = _accept(stack, link.rsplit("/", 1)[1]).json()
    assert session["chat"]["subject"] == "Brakes squeak"

    adhoc: Any = sam.plugin["xep_0050"]
    step = await adhoc.send_command(JID(support), "invite")
    form = step["command"]["form"]
    assert set(form.get_fields()) == {"subject", "email"}
    form["type"] = "submit"
    form.set_values({"subject": "Insurance", "email": "kai@example.com"})
    iq: Any = sam.make_iq_set(ito=JID(support))
    iq["command"]["node"] = "invite"
    iq["command"]["sessionid"] = step["command"]["sessionid"]
    iq["command"]["action"] = "complete"
    iq["command"].append(form)
    done = await iq.send(timeout=15)
    link = done["command"]["notes"][0][1].splitlines()[1]
    accepted = _accept(stack, link.rsplit("/", 1)[1]).json()
    assert (accepted["chat"]["subject"], accepted["user"]["display_name"]) == ("Insurance", "kai")
