"""Cross-site scripting attacks: markup in names, subjects and messages is shown as text.

The pages are opened with their Content-Security-Policy bypassed, so escaping alone
must stop every payload; an alert hook records any script that runs. A last check
shows the policy is a second wall: markup injected behind escaping's back still
cannot run a script.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Connect, Pages, start_chat, unique
from tests.browser.test_console import bubble, chat_item, log_in_as
from tests.conftest import Person, call, open_chat
from tests.stack import Stack

pytestmark = pytest.mark.browser

PAYLOADS = (
    "<img src=x onerror=alert('img')>",
    "<svg onload=alert('svg')>",
    "<script>alert('script')</script>",
    "\"><iframe src=javascript:alert('iframe')></iframe>",
    "<a href=\"javascript:alert('link')\">open</a>",
)

ALERT_HOOK = """
window.__alerts = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (message) => { window.__alerts.push(`${name}: ${message}`); };
}
"""

# Elements an escaping bug would create from the payloads.
INJECTED = '[onerror], [onload], iframe, a[href^="javascript:" i], script:not([src])'


async def _open_hooked(pages: Pages, stack: Stack, path: str, *, policy: bool = False) -> Page:
    page = await pages.open(None, bypass_csp=not policy)
    await page.add_init_script(ALERT_HOOK)
    await page.goto(f"{stack.api}{path}")
    return page


async def _nothing_ran(page: Page) -> None:
    assert await page.locator(INJECTED).count() == 0
    assert await page.evaluate("window.__alerts") == []


async def test_markup_from_a_supporter_never_runs_on_the_customer_page(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    supporter = make_supporter("Sam")
    sam = await connect(supporter)
    page = await _open_hooked(pages, stack, "/")
    chat = await start_chat(page, f"{unique('Eve<b>')} {PAYLOADS[0]}", PAYLOADS[1])
    assert call(stack, "POST", f"/api/chats/{chat['id']}/take", supporter).is_success
    await expect(page.locator("#status")).to_have_text("Chat active")
    await sam.join(chat["room_jid"], PAYLOADS[3])
    for payload in PAYLOADS:
        sam.say(chat["room_jid"], payload)
        await page.locator("#message-input").fill(f"me: {payload}")
        await page.locator("#message-input").press("Enter")
    for payload in PAYLOADS:
        await expect(bubble(page, payload).first).to_be_visible()
        await expect(bubble(page, f"me: {payload}")).to_have_attribute("data-state", "sent")
    await expect(page.locator("#chat-subject")).to_have_text(PAYLOADS[1])
    await _nothing_ran(page)


async def test_markup_from_a_customer_never_runs_in_the_console(
    stack: Stack,
    pages: Pages,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    sam = make_supporter("Sam")
    page = await _open_hooked(pages, stack, "/console")
    await log_in_as(page, sam)
    name = f"{unique('Eve')} {PAYLOADS[0]}"
    eve = make_guest(name)
    chat = open_chat(stack, eve, PAYLOADS[2])
    customer = await connect(eve)
    await customer.join(chat["room_jid"], name)
    item = chat_item(page, chat["id"])
    await expect(item.locator(".chat-item-name")).to_have_text(name, timeout=10_000)
    await expect(item.locator(".chat-item-subject")).to_have_text(PAYLOADS[2])
    await item.locator("[data-action=take]").click()
    await expect(page.locator("#chat-title")).to_have_text(name)
    for payload in PAYLOADS:
        customer.say(chat["room_jid"], payload)
    for payload in PAYLOADS:
        await expect(bubble(page, payload)).to_have_count(1)
    await _nothing_ran(page)
    assert call(stack, "GET", f"/api/chats/{chat['id']}", sam).json()["subject"] == PAYLOADS[2]


async def test_markup_slipped_past_escaping_still_cannot_run_under_the_content_policy(
    stack: Stack, pages: Pages
) -> None:
    page = await _open_hooked(pages, stack, "/", policy=True)
    blocked = await page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation', () => resolve(true), {once: true});
            document.body.insertAdjacentHTML('beforeend', "<img src=x onerror=alert('bypass')>");
        })"""
    )
    assert blocked is True
    assert await page.evaluate("window.__alerts") == []
