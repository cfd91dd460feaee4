"""Invitation links (customer landing, console form), transfer, and the read-only archive."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, Route, expect

from tests.browser.conftest import (
    Connect,
    Pages,
    customer_chat,
    fits,
    screenshot_path,
    unique,
)
from tests.browser.test_console import bubble, chat_item, log_in_as
from tests.conftest import Person, call
from tests.stack import Stack

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def invite(stack: Stack, supporter: Person, subject: str) -> dict[str, Any]:
    """Create an invitation over the api as the supporter."""
    answer = call(stack, "POST", "/api/invitations", supporter, json={"subject": subject})
    answer.raise_for_status()
    invitation: dict[str, Any] = answer.json()
    return invitation


def get_chat(stack: Stack, supporter: Person, chat_id: str) -> dict[str, Any]:
    """A chat as the api shows it to a supporter."""
    answer = call(stack, "GET", f"/api/chats/{chat_id}", supporter)
    answer.raise_for_status()
    chat: dict[str, Any] = answer.json()
    return chat


async def refuse(route: Route, status: int, detail: str) -> None:
    """Answer an api call with an error, as the api does."""
    await route.fulfill(status=status, json={"detail": detail})


async def test_a_customer_joins_a_chat_through_an_invitation_link(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    sam = make_supporter("Sam")
    supporter = await connect(sam)
    invitation = invite(stack, sam, "Your contract renewal")
    room = invitation["chat"]["room_jid"]
    # The bridge opens the room and makes Sam a member (and tells him so).
    await supporter.wait_for(lambda: any(room in (m["body"] or "") for m in supporter.direct))
    await supporter.join(room, "Sam")

    path = urlsplit(invitation["url"]).path
    assert re.fullmatch(r"/i/[A-Za-z0-9_-]+", path)
    page = await pages.open(path, width=360, height=720)
    await expect(page.locator("#invite-title")).to_have_text("You've been invited to a chat")
    await expect(page.locator("#start-view")).to_be_hidden()
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("invite-landing"), full_page=True)
    name = unique("Ines")
    await page.get_by_role("textbox", name="Your name (optional)").fill(name)
    await page.get_by_role("button", name="Join the chat").click()

    await expect(page.locator("#status")).to_have_text("Chat active")
    await expect(page.locator("#chat-subject")).to_have_text("Your contract renewal")
    assert (await customer_chat(page))["id"] == invitation["chat"]["id"]
    box = page.locator("#message-input")
    await expect(box).to_be_enabled()
    await box.press_sequentially("Hello, I got your link")
    await box.press("Enter")
    await supporter.wait_for(
        lambda: [m for m in supporter.room_messages if m.body == "Hello, I got your link"]
    )
    [seen] = [m for m in supporter.room_messages if m.body == "Hello, I got your link"]
    assert seen.nick == name
    await expect(bubble(page, "Hello, I got your link")).to_have_attribute("data-state", "sent")

    supporter.say(room, "Welcome! How can I help?")
    await expect(bubble(page, "Welcome! How can I help?")).to_have_count(1)
    await expect(bubble(page, "Welcome! How can I help?").locator(".message-sender")).to_have_text(
        "Sam"
    )
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("invite-chat"), full_page=True)

    # Opening the link again continues the same chat, with its history.
    await page.reload()
    await expect(page.locator("#status")).to_have_text("Chat active")
    await expect(bubble(page, "Hello, I got your link")).to_have_count(1)
    await expect(bubble(page, "Welcome! How can I help?")).to_have_count(1)
    await expect(page.locator("#invite-view")).to_be_hidden()
    assert (await customer_chat(page))["id"] == invitation["chat"]["id"]

    # An unknown link gets the api's friendly page.
    unknown = await pages.open(f"/i/{uuid.uuid4().hex}")
    await expect(unknown.get_by_role("heading", name="Link not found")).to_be_visible()
    await expect(unknown.get_by_role("link", name="Start a new chat")).to_have_attribute(
        "href", "/"
    )


async def test_a_link_that_expired_while_open_says_so(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    invitation = invite(stack, sam, "Expiring")
    page = await pages.open(urlsplit(invitation["url"]).path)
    await page.route(
        "**/api/invitations/*/accept",
        lambda route: refuse(route, 410, "this invitation link has expired"),
    )
    await page.get_by_role("button", name="Join the chat").click()
    await expect(page.locator("#invite-problem-text")).to_have_text(
        "this invitation link has expired"
    )
    restart = page.get_by_role("link", name="Start a new chat")
    await expect(restart).to_have_attribute("href", "/")
    await expect(page.locator("#invite-form")).to_be_hidden()
    await restart.click()
    await expect(page.locator("#start-view")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/$"))


async def test_supporter_invites_from_the_console_and_transfers_the_chat(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    colleague = unique("Rita")
    rita = make_supporter(colleague)
    page = await pages.open("/console")
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await log_in_as(page, sam)

    await page.get_by_role("button", name="Invite a customer").click()
    dialog = page.locator("#invite-dialog")
    await expect(dialog).to_be_visible()
    subject = unique("Contract change")
    await dialog.get_by_label("Subject").fill(subject)
    await dialog.get_by_label("Customer's email").fill("kim.invited@example.com")
    await dialog.get_by_role("button", name="Create link").click()

    link = page.locator("#invite-link")
    await expect(link).to_have_value(re.compile(r"/i/[A-Za-z0-9_-]+$"))
    await expect(page.locator("#invite-expiry")).to_contain_text("Valid until")
    await page.screenshot(path=screenshot_path("console-invite"), full_page=True)
    await dialog.get_by_role("button", name="Copy").click()
    await expect(page.locator("#invite-copy-status")).to_have_text("Link copied.")
    assert await page.evaluate("navigator.clipboard.readText()") == await link.input_value()
    await dialog.get_by_role("button", name="Done").click()
    await expect(dialog).to_be_hidden()

    # The new chat is open, active and mine.
    await expect(page.locator("#chat-subject")).to_have_text(subject)
    await expect(page.locator("#chat-title")).to_have_text("kim.invited")
    await expect(page.locator("#status")).to_have_text("Chat active")
    item = page.locator("#mine-list .chat-item.is-open")
    chat_id = await item.get_attribute("data-chat-id")
    assert chat_id
    await expect(chat_item(page, chat_id).locator(".chat-item-meta")).to_have_text("With you")
    await expect(page.locator("#message-input")).to_be_enabled(timeout=20_000)

    # Transfer: refusals show the api's detail...
    await page.get_by_role("button", name="Transfer", exact=True).click()
    choice = page.get_by_label("Transfer to")
    await expect(choice.locator(f"option[value='{rita.user_id}']")).to_have_count(1)
    await expect(choice.locator(f"option[value='{sam.user_id}']")).to_have_count(0)
    await choice.select_option(value=rita.user_id)
    await page.screenshot(path=screenshot_path("console-transfer"), full_page=True)
    await page.route(
        "**/api/chats/*/transfer", lambda route: refuse(route, 409, "Rita is not available")
    )
    await page.get_by_role("button", name="Transfer chat").click()
    await expect(page.locator("#transfer-error")).to_have_text("Rita is not available")
    await page.unroute("**/api/chats/*/transfer")

    # ...and a real one hands the chat to the colleague.
    await page.get_by_role("button", name="Transfer chat").click()
    handed = page.locator(f"#active-list [data-chat-id='{chat_id}']")
    await expect(handed.locator(".chat-item-meta")).to_have_text(f"With {colleague}")
    await expect(page.locator("#transfer-form")).to_be_hidden()
    await expect(page.locator("#transfer-chat")).to_be_hidden()
    await expect(page.locator("#end-chat")).to_be_hidden()
    await expect(page.locator("#take-chat")).to_have_text("Take over")
    await expect(page.locator("#message-input")).to_be_disabled()
    assert get_chat(stack, sam, chat_id)["assignee"]["id"] == rita.user_id


def archive_import(stack: Stack, path: Path) -> None:
    """Load chats into the archive with the CLI."""
    subprocess.run(
        [sys.executable, "-m", "bridge.cli", "archive", "import", str(path)],
        env={**os.environ, **stack.env},
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )


async def read_archived(page: Page, name: str) -> None:
    """Search the Archive view for a customer and open their chat."""
    await page.get_by_label("Search by customer or subject").fill(name)
    await page.get_by_role("button", name="Search", exact=True).click()
    item = page.locator("#archive-list .archive-item").filter(has_text=name)
    await expect(item).to_have_count(1)
    await item.get_by_role("button").click()


async def test_supporter_reads_an_archived_chat(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person], tmp_path: Path
) -> None:
    name = unique("Archibald")
    lines = [
        {
            "id": str(uuid.uuid4()),
            "customer": name,
            "subject": "Wrong invoice",
            "messages": [
                {
                    "role": "user",
                    "body": "My invoice shows the wrong bike",
                    "created_at": "2024-01-15T09:30:00Z",
                },
                {
                    "role": "supporter",
                    "body": "Fixed, a new invoice is on its way",
                    "created_at": "2024-01-15T09:42:00Z",
                },
            ],
        },
        {
            "id": str(uuid.uuid4()),
            "customer": unique("Other"),
            "messages": [{"role": "user", "body": "x"}],
        },
    ]
    path = tmp_path / "archive.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    archive_import(stack, path)

    sam = make_supporter("Sam")
    page = await pages.open("/console", width=360, height=740)
    await log_in_as(page, sam)
    await page.get_by_role("button", name="Archive").click()
    await expect(page.locator("#archive-view")).to_be_visible()
    await expect(page.locator("#archive-toggle")).to_have_attribute("aria-pressed", "true")
    await read_archived(page, name)

    messages = page.locator("#archive-messages li.message")
    await expect(messages).to_have_count(2)
    await expect(messages.nth(0).locator(".message-body")).to_have_text(
        "My invoice shows the wrong bike"
    )
    await expect(messages.nth(0).locator(".message-sender")).to_have_text(name)
    await expect(messages.nth(1).locator(".message-body")).to_have_text(
        "Fixed, a new invoice is on its way"
    )
    # Berlin time (UTC+1 in January), although the browser runs in New York.
    await expect(messages.nth(0).locator(".message-time")).to_have_text("15.01.2024, 10:30")
    await expect(page.locator("#archive-chat-title")).to_have_text(name)
    await expect(page.locator("#archive-chat-meta")).to_contain_text("Wrong invoice")
    # Read-only: nothing to type into.
    await expect(page.locator("#archive-view textarea")).to_have_count(0)
    await expect(page.locator("#message-input")).to_be_hidden()
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("console-archive"), full_page=True)

    # A message the server cannot open says so.
    await page.get_by_role("button", name="← Results").click()
    await page.route(
        "**/api/archive/chats/*/messages",
        lambda route: route.fulfill(
            json=[
                {
                    "id": 1,
                    "stanza_id": "s1",
                    "origin_id": None,
                    "sender": "x@chat.localhost",
                    "sender_name": name,
                    "kind": "customer",
                    "body": "",
                    "readable": False,
                    "created_at": "2024-01-15T09:30:00Z",
                }
            ]
        ),
    )
    await (
        page.locator("#archive-list .archive-item")
        .filter(has_text=name)
        .get_by_role("button")
        .click()
    )
    await expect(page.locator("#archive-messages .message-body")).to_have_text(
        "This message cannot be decrypted"
    )

    await page.get_by_role("button", name="Back to chats").click()
    await expect(page.locator("#archive-view")).to_be_hidden()
    await expect(page.locator("#chat-list")).to_be_visible()


async def test_invite_and_transfer_fit_a_phone(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    make_supporter(unique("Rita"))
    page = await pages.open("/console", width=360, height=740)
    await log_in_as(page, sam)
    await page.get_by_role("button", name="Invite a customer").click()
    await page.locator("#invite-dialog").get_by_label("Subject").fill("Phone check")
    await page.get_by_role("button", name="Create link").click()
    await expect(page.locator("#invite-link")).to_have_value(re.compile(r"/i/"))
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("console-invite-phone"))
    await page.get_by_role("button", name="Done").click()
    await expect(page.locator("#invite-open")).to_be_hidden()  # the chat took the screen
    await expect(page.locator("#chat-subject")).to_have_text("Phone check")
    await page.get_by_role("button", name="Transfer", exact=True).click()
    await expect(page.locator("#transfer-to")).to_be_enabled()
    assert await fits(page, 360)
    composer = await page.locator("#composer").bounding_box()
    assert composer and composer["y"] + composer["height"] <= 740
    await page.screenshot(path=screenshot_path("console-transfer-phone"))
