"""The knowledge-base editor shows how customers rated answers from an article."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.async_api import expect

from tests.assistant.test_ratings import logged_answer, rate
from tests.browser.conftest import Pages, screenshot_path
from tests.browser.test_kb_editor import article_item, create_article, open_article, open_kb
from tests.browser.test_xss_attacks import ALERT_HOOK, INJECTED, PAYLOADS
from tests.conftest import Person, open_chat
from tests.stack import Stack

pytestmark = pytest.mark.browser


async def test_editor_shows_an_articles_rating_and_its_latest_down_rated_question_as_text(
    stack: Stack,
    pages: Pages,
    make_supporter: Callable[..., Person],
    make_guest: Callable[[str], Person],
) -> None:
    sam, anna = make_supporter("Sam"), make_guest("Anna")
    rated = create_article(stack, sam, "Charging the battery", "Plug it in.")
    unrated = create_article(stack, sam, "Chain care", "Oil it.")
    chat = open_chat(stack, anna, "Battery")
    question = f"Why does it not charge? {PAYLOADS[0]}"
    for asked, rating in (("Where is the plug?", "up"), ("How long?", "down"), (question, "down")):
        answer = logged_answer(stack, chat["id"], asked, [rated["id"]])
        assert rate(stack, anna, answer, rating).status_code == 204

    page = await open_kb(pages, sam, bypass_csp=True)  # escaping alone must stop the payload
    await page.add_init_script(ALERT_HOOK)
    await page.reload()
    await expect(article_item(page, rated["id"]).locator(".kb-item-rating")).to_have_text(
        "1 up · 2 down"
    )
    await expect(article_item(page, unrated["id"]).locator(".kb-item-rating")).to_have_count(0)

    await open_article(page, rated["id"])
    feedback = page.locator("#kb-feedback")
    await expect(feedback.locator("#kb-feedback-counts")).to_have_text(
        "Answers from this article were rated 1 up · 2 down."
    )
    await expect(feedback.locator("#kb-feedback-down-title")).to_be_visible()
    await expect(feedback.locator(".kb-feedback-question")).to_have_text([question, "How long?"])
    await expect(feedback.locator("li time").first).to_have_text(re.compile(r"\d\d:\d\d$"))
    assert await page.locator(INJECTED).count() == 0
    assert await page.evaluate("window.__alerts") == []
    await feedback.screenshot(path=screenshot_path("kb-feedback"))

    await open_article(page, unrated["id"])
    await expect(feedback.locator("#kb-feedback-counts")).to_have_text(
        "No answer from this article has been rated yet."
    )
    await expect(feedback.locator("li")).to_have_count(0)
    await page.locator("#kb-new").click()
    await expect(feedback).to_be_hidden()  # a new article has no feedback yet
