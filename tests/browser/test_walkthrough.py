"""Stage 2 tried as a new team would: the issue's "done means", start to end, in one run.

An admin creates two supporters; Gabi works from a desktop client (Gajim, played
by slixmpp), Wes from the web console. Three customers chat at once: Lena
registered, Mia as a guest, Kim through Wes's invitation link. Lena's session
token expires mid-chat; she signs in again and her draft and chat are still
there. A dump of the databases shows no message text. Lena's chat, ended a week
ago, moves to the archive; a second run changes nothing.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, expect

from bridge.accounts import tokens
from bridge.db import archive_database_url, chats, users
from tests.browser.conftest import Connect, Pages, customer_chat, take_from_queue, unique
from tests.browser.test_console import bubble, log_in_as
from tests.browser.test_customer_accounts import new_email, register
from tests.conftest import Person, call, eventually, open_chat
from tests.stack import Stack, pg_dump, run_cli
from tests.xmpp import Client

pytestmark = pytest.mark.browser

TOKEN_SECONDS = 20  # what is left of Lena's session when she comes back to her tab


def _hire(stack: Stack, admin: Person, name: str) -> Person:
    """The admin creates a supporter over the api (as the console's team page does)."""
    username = f"{name.lower()}{uuid.uuid4().hex[:6]}"
    password = f"pw-{uuid.uuid4().hex}"
    body = {
        "email": f"{username}@example.com",
        "username": username,
        "display_name": name,
        "role": "supporter",
        "password": password,
    }
    created = call(stack, "POST", "/api/admin/users", admin, json=body)
    assert created.status_code == 201, created.text
    login = call(stack, "POST", "/api/auth/login", admin, json={"email": username, **body})
    session = login.json()
    return Person(created.json()["id"], name, session["xmpp"]["jid"], password, session["token"])


async def _take_and_join(stack: Stack, supporter: Client, name: str, room: str) -> None:
    """Take the chat with chat commands and join its room when the invitation comes."""
    assert "You have the chat with" in await take_from_queue(stack, supporter, name)
    await supporter.wait_for(
        lambda: any(f"Join {room}" in (m["body"] or "") for m in supporter.direct)
    )
    await supporter.join(room, supporter.boundjid.user)


def _nearly_expired_token(stack: Stack, user_id: str) -> str:
    """A token that expires in TOKEN_SECONDS: as if issued 59 minutes ago.

    A token's issue time is its expiry less an hour, so the account's token cut-off
    (its creation) is dated back too.
    """
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    stack.db.run_sync(
        lambda conn: conn.execute(
            users.update()
            .where(users.c.id == uuid.UUID(user_id))
            .values(tokens_valid_after=long_ago)
        )
    )
    issued = time.time() - tokens.LIFETIME_SECONDS + TOKEN_SECONDS
    return tokens.mint(uuid.UUID(user_id), "user", stack.settings.jwt_secret, now=issued)


async def _come_back_late(lena: Page, token: str) -> None:
    """Lena returns to her tab near the end of her session."""
    await lena.evaluate(
        """token => {
            const saved = JSON.parse(localStorage.getItem('customer-chat:customer'));
            localStorage.setItem('customer-chat:customer', JSON.stringify({...saved, token}));
        }""",
        token,
    )
    await lena.reload()
    await expect(lena.locator("#status")).to_have_text("Chat active")


async def _invite_from_console(page: Page, subject: str) -> str:
    await page.get_by_role("button", name="Invite a customer").click()
    dialog = page.locator("#invite-dialog")
    await dialog.get_by_label("Subject").fill(subject)
    await dialog.get_by_role("button", name="Create link").click()
    link = page.locator("#invite-link")
    await expect(link).to_have_value(re.compile(r"/i/[A-Za-z0-9_-]+$"))
    url = await link.input_value()
    await dialog.get_by_role("button", name="Done").click()
    return urlsplit(url).path


async def _send(page: Page, text: str) -> None:
    box = page.locator("#message-input")
    await box.fill(text)
    await box.press("Enter")
    await expect(bubble(page, text)).to_have_attribute("data-state", "sent", timeout=20_000)


def _logged_bodies(stack: Stack, chat_id: str, supporter: Person) -> list[str]:
    return [
        m["body"] for m in call(stack, "GET", f"/api/chats/{chat_id}/messages", supporter).json()
    ]


def _age(stack: Stack, chat_id: str, days: int) -> None:
    """Pretend the chat ended `days` ago (nobody waits a week in a test)."""
    ended = datetime.now(UTC) - timedelta(days=days)
    stack.db.run_sync(
        lambda conn: conn.execute(
            chats.update().where(chats.c.id == uuid.UUID(chat_id)).values(ended_at=ended)
        )
    )


async def test_a_team_day_from_hiring_to_archiving(
    stack: Stack,
    pages: Pages,
    make_supporter: Callable[..., Person],
    make_guest: Callable[[str], Person],
    connect: Connect,
) -> None:
    admin = make_supporter("Ada", role="admin")
    gabi_person, wes_person = _hire(stack, admin, "Gabi"), _hire(stack, admin, "Wes")
    gabi: Client = await connect(gabi_person)  # the desktop client
    console = await pages.open("/console")
    await log_in_as(console, wes_person)

    # Mia, a guest, opens a chat; Gabi takes it from the queue with chat commands.
    mia_name = unique("Mia")
    mia_person = make_guest(mia_name)
    mia_chat = open_chat(stack, mia_person, "Flat tyre")
    mia = await connect(mia_person)
    await mia.join(mia_chat["room_jid"], mia_name)
    await _take_and_join(stack, gabi, mia_name, mia_chat["room_jid"])

    # Wes invites Kim from the console; Kim opens the link and lands in the chat.
    kim_path = await _invite_from_console(console, unique("Contract renewal"))
    kim = await pages.open(kim_path)
    await kim.get_by_role("textbox", name="Your name (optional)").fill("Kim")
    await kim.get_by_role("button", name="Join the chat").click()
    await expect(kim.locator("#status")).to_have_text("Chat active")
    kim_chat = await customer_chat(kim)

    # Lena registers on the page and opens a third chat; Gabi takes it too.
    lena = await pages.open("/")
    lena_name, lena_email, lena_password = unique("Lena"), new_email("lena"), "lena's secret"
    await register(lena, lena_name, lena_email, lena_password)
    await lena.get_by_label("What is it about?").fill("Gears slip")
    await lena.locator("#start").click()
    await lena.locator("#status[data-status=waiting]").wait_for()
    lena_chat = await customer_chat(lena)
    await _take_and_join(stack, gabi, lena_name, lena_chat["room_jid"])
    await expect(lena.locator("#status")).to_have_text("Chat active")

    # All three chat at once.
    texts = {
        "lena": f"my frame number is FR-{uuid.uuid4().hex[:6]}",
        "mia": f"the tyre of bike {uuid.uuid4().hex[:6]} is flat",
        "kim": f"my contract ends {uuid.uuid4().hex[:6]}",
        "gabi": f"Gabi here, checking {uuid.uuid4().hex[:6]}",
        "wes": f"Wes here, your offer {uuid.uuid4().hex[:6]}",
    }
    await _send(lena, texts["lena"])
    mia.say(mia_chat["room_jid"], texts["mia"])
    await _send(kim, texts["kim"])
    gabi.say(lena_chat["room_jid"], texts["gabi"])
    await _send(console, texts["wes"])
    await gabi.wait_for(
        lambda: {texts["lena"], texts["mia"]} <= {m.body for m in gabi.room_messages}
    )
    await expect(bubble(console, texts["kim"]).locator(".message-sender")).to_have_text("Kim")
    await expect(bubble(kim, texts["wes"])).to_have_count(1)
    await expect(bubble(lena, texts["gabi"])).to_have_count(1)

    # Lena's token expires while she types: she signs in again and nothing is lost.
    lena_id = (await customer_chat(lena))["customer"]["id"]
    await _come_back_late(lena, await asyncio.to_thread(_nearly_expired_token, stack, lena_id))
    draft = "and the chain jumps"
    await lena.locator("#message-input").fill(draft)
    await expect(lena.locator("#reauth")).to_be_visible(timeout=(TOKEN_SECONDS + 20) * 1000)
    await lena.locator("#reauth-password").fill(lena_password)
    await lena.locator("#reauth-submit").click()
    await expect(lena.locator("#reauth")).to_be_hidden()
    await expect(lena.locator("#message-input")).to_have_value(draft)
    await lena.locator("#message-input").press("Enter")
    await gabi.wait_for(lambda: draft in [m.body for m in gabi.room_messages], timeout=30)
    assert [m.body for m in gabi.room_messages].count(draft) == 1
    assert (await customer_chat(lena))["id"] == lena_chat["id"]

    # The chats end; the databases hold no message text.
    for chat in (lena_chat, mia_chat):
        assert call(stack, "POST", f"/api/chats/{chat['id']}/end", gabi_person).is_success
    await console.locator("#end-chat").click()
    await expect(console.locator("#status")).to_have_attribute("data-status", "ended")
    await eventually(lambda: draft in _logged_bodies(stack, lena_chat["id"], gabi_person) or None)
    assert stack.settings.database_url is not None
    dumps = pg_dump(stack.settings.database_url)
    for text in (*texts.values(), draft):
        assert text not in dumps

    # Lena's chat ended a week ago: it moves to the archive, once.
    _age(stack, lena_chat["id"], days=8)
    first = run_cli(stack, "archive", "--older-than", "7d").stdout
    assert re.fullmatch(r"archived [1-9]\d* chats?\n", first), first
    assert call(stack, "GET", f"/api/chats/{lena_chat['id']}", gabi_person).status_code == 404
    for chat in (mia_chat, kim_chat):  # ended today: still live
        assert call(stack, "GET", f"/api/chats/{chat['id']}", gabi_person).status_code == 200
    read = call(stack, "GET", f"/api/archive/chats/{lena_chat['id']}/messages", gabi_person)
    assert {texts["lena"], texts["gabi"], draft} <= {m["body"] for m in read.json()}
    assert draft not in pg_dump(archive_database_url(stack.settings))
    assert run_cli(stack, "archive", "--older-than", "7d").stdout == "archived 0 chats\n"
