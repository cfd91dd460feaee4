"""The customer page with the assistant: a cited answer with thumbs, and the person button.

Chromium on the assistant's own stack; the answers come from the real bots process.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Pages, browser, pages, start_chat, unique
from tests.browser.test_console import chat_item, log_in_as
from tests.conftest import Person
from tests.stack import Stack

__all__ = ["browser", "pages"]

pytestmark = pytest.mark.browser

THEFT_DE = "Fahrrad gestohlen \N{EN DASH} was muss ich tun?"


async def test_the_customer_reads_a_cited_answer_rates_it_and_asks_for_a_person(
    stack: Stack, pages: Pages
) -> None:
    page = await pages.open("/")
    chat = await start_chat(page, unique("Lena"), "Diebstahl", first_status="bot")
    await expect(page.locator("#status")).to_have_text("Chatting with our assistant")
    await expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()

    await page.get_by_label("Your message").fill("Mein Fahrrad wurde gestohlen, was muss ich tun?")
    await page.get_by_label("Your message").press("Enter")

    answer = page.locator("li.message--other", has=page.locator(".message-sources"))
    await expect(answer.locator(".message-sender")).to_have_text("Assistant", timeout=30_000)
    await expect(answer.locator(".message-body")).to_contain_text("Polizei")
    source = answer.get_by_role("link", name=THEFT_DE)
    await expect(source).to_have_attribute("href", f"{stack.api}/kb/theft-de")

    await answer.get_by_role("button", name="Helpful", exact=True).click()
    await expect(answer.get_by_role("button", name="Helpful", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    article = await pages.open(None)
    await article.goto(await source.get_attribute("href") or "")
    await expect(article.locator("#article-title")).to_have_text(THEFT_DE)
    await expect(article.locator("#article-body h2").first).to_have_text(
        "Sofort: Anzeige bei der Polizei"
    )

    await page.get_by_role("button", name="Talk to a person").click()
    await expect(page.locator("#status")).to_have_text("Waiting for supporter")
    await expect(page.get_by_role("button", name="Talk to a person")).to_be_hidden()
    await page.reload()  # the rating is kept with the session
    await expect(answer.get_by_role("button", name="Helpful", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert chat["status"] == "bot"


async def test_a_supporter_hands_the_chat_back_from_the_console(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    page = await pages.open("/")
    chat = await start_chat(page, unique("Tom"), "Rückgabe", first_status="bot")
    await page.get_by_role("button", name="Talk to a person").click()
    await expect(page.locator("#status")).to_have_text("Waiting for supporter")
    console = await pages.open("/console")
    await log_in_as(console, make_supporter("Wes"))
    await chat_item(console, chat["id"]).locator("[data-action=open]").click()
    await expect(console.locator("#handover-note")).to_have_text("The customer asked for a person.")
    await chat_item(console, chat["id"]).locator("[data-action=take]").click()
    await expect(page.locator("#status")).to_have_text("Chat active")

    await console.get_by_role("button", name="Hand back to assistant").click()

    await expect(page.locator("#status")).to_have_text("Chatting with our assistant")
    await expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()
    await expect(console.get_by_role("button", name="Hand back to assistant")).to_be_hidden()
    await expect(console.locator("#handover-note")).to_be_hidden()


async def test_a_missing_article_says_so(stack: Stack, pages: Pages) -> None:
    page = await pages.open("/kb/no-such-article")
    await expect(page.locator("#article-title")).to_have_text("This article is not available.")
