"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, and small helpers."""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, BrowserContext, Dialog, Page, Response, async_playwright

from tests.conftest import Person, skip_or_fail
from tests.stack import Stack
from tests.xmpp import Client

CHROMIUM = Path("/usr/bin/chromium")
BERLIN = ZoneInfo("Europe/Berlin")
SCREENSHOTS = Path(tempfile.gettempdir())

Connect = Callable[[Person], Awaitable[Client]]


def chromium_installed() -> bool:
    """Debian's Chromium is there (Playwright's own browser download is not possible here)."""
    return CHROMIUM.exists()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole session."""
    if not chromium_installed():
        skip_or_fail("chromium is not installed (apt-get install chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        await launched.close()


class Pages:
    """Opens pages of the stack in fresh browser contexts and watches them for trouble."""

    def __init__(self, browser: Browser, stack: Stack) -> None:
        self.browser = browser
        self.stack = stack
        self.contexts: list[BrowserContext] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    async def open(
        self,
        path: str | None = "/",
        *,
        width: int = 1280,
        height: int = 800,
        bypass_csp: bool = False,
    ) -> Page:
        """A new visitor (own storage) on a page of the stack (`None`: a blank page for now).

        The browser runs in New York time so the page must convert times to Berlin itself.
        Each visitor comes from an address of its own (as the api sees it behind a proxy),
        so the failed sign-ins some tests provoke are not counted against the others.
        """
        address = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
        context = await self.browser.new_context(
            viewport={"width": width, "height": height},
            timezone_id="America/New_York",
            locale="en-US",
            bypass_csp=bypass_csp,
            extra_http_headers={"X-Forwarded-For": address},
        )
        context.set_default_timeout(20_000)
        self.contexts.append(context)
        page = await context.new_page()
        page.on("dialog", self._on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda message: print(f"[console.{message.type}] {message.text}"))
        page.on("response", self._on_response)
        if path is not None:
            await page.goto(f"{self.stack.api}{path}")
        return page

    async def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            detail = await response.text() if "/api/" in response.url else ""
            print(f"[http {response.status}] {response.request.method} {response.url} {detail}")

    async def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    async def close(self) -> None:
        """Close every context this test opened."""
        for context in self.contexts:
            await context.close()


@pytest.fixture
async def pages(browser: Browser, stack: Stack) -> AsyncIterator[Pages]:
    """Browser pages for one test; fails the test on any uncaught script error or dialog."""
    opened = Pages(browser, stack)
    yield opened
    await opened.close()
    assert opened.errors == [], f"uncaught errors in the page: {opened.errors}"
    assert opened.dialogs == [], f"unexpected dialogs: {opened.dialogs}"


def unique(name: str) -> str:
    """A customer name no other test uses."""
    return f"{name} {uuid.uuid4().hex[:4]}"


def berlin_clock() -> str:
    """The wall-clock time in Berlin as the pages show it (HH:MM)."""
    return datetime.now(BERLIN).strftime("%H:%M")


def number_in_list(reply: str, name: str) -> int:
    """The number the bridge's `list` gave the chat of this customer."""
    line = next(line for line in reply.splitlines() if name in line)
    return int(line.split(")", 1)[0])


async def take_from_queue(stack: Stack, supporter: Client, name: str) -> str:
    """The supporter takes the customer's waiting chat with chat commands; returns the answer."""
    support = stack.settings.component_jid
    await supporter.wait_for(lambda: any(name in (m["body"] or "") for m in supporter.direct))
    listing = await supporter.reply_to(support, "list")
    return await supporter.reply_to(support, f"take {number_in_list(listing, name)}")


async def customer_chat(page: Page) -> dict[str, Any]:
    """The chat the customer page has open (what it keeps in localStorage)."""
    saved = await page.evaluate("localStorage.getItem('customer-chat:customer')")
    chat: dict[str, Any] = json.loads(saved)["chat"]
    return chat


async def start_chat(
    page: Page, name: str, subject: str, *, first_status: str = "waiting"
) -> dict[str, Any]:
    """Fill in the start form of the customer page and wait for the chat's first status."""
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("What is it about?").fill(subject)
    await page.locator("#start").click()
    await page.locator(f"#status[data-status={first_status}]").wait_for()
    return await customer_chat(page)


async def message_texts(page: Page) -> list[tuple[str, str]]:
    """(stanza-id, body) of every chat message shown, in order."""
    rows: list[list[str]] = await page.locator("#messages li.message").evaluate_all(
        """items => items.map(li => [li.dataset.stanzaId || '',
                                      li.querySelector('.message-body').textContent])"""
    )
    return [(stanza_id, body) for stanza_id, body in rows]


def screenshot_path(name: str) -> str:
    """Where a flow leaves its screenshot (outside the repository)."""
    return str(SCREENSHOTS / f"customer-chat-{name}.png")


async def focus_is_visible(page: Page) -> bool:
    """The focused element draws a focus ring (an outline or a box-shadow)."""
    style: dict[str, str] = await page.evaluate(
        """() => {
            const s = getComputedStyle(document.activeElement);
            return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow};
        }"""
    )
    outline = style["outline"] != "none" and style["width"] != "0px"
    return outline or style["shadow"] != "none"


async def tab_through(page: Page, start: str, presses: int) -> list[str]:
    """Focus `start`, press Tab; the ids focused in turn, each checked for a visible ring."""
    await page.locator(start).focus()
    focused: list[str] = []
    for _ in range(presses):
        await page.keyboard.press("Tab")
        element_id: str = await page.evaluate("document.activeElement.id")
        assert await focus_is_visible(page), f"no visible focus on #{element_id}"
        focused.append(element_id)
    return focused


async def fits(page: Page, width: int) -> bool:
    """No horizontal scrolling at this width."""
    scroll_width: int = await page.evaluate("document.documentElement.scrollWidth")
    return scroll_width <= width
