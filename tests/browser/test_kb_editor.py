"""Supporters write and look after the knowledge base at /console/kb."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import Pages, fits, screenshot_path, tab_through
from tests.browser.test_console import log_in, log_in_as
from tests.browser.test_xss_attacks import ALERT_HOOK, INJECTED, PAYLOADS
from tests.conftest import Person, call, eventually
from tests.stack import Stack

pytestmark = pytest.mark.browser

WAIT = 60  # the api loads its embedding model at the first article or search


def found(stack: Stack, supporter: Person, word: str) -> dict[str, Any] | None:
    """The first search hit whose text has this word, once search returns one."""
    answer = call(stack, "GET", "/api/kb/search", supporter, params={"q": word, "limit": 20})
    assert answer.status_code == 200, answer.text
    hits: list[dict[str, Any]] = answer.json()["hits"]
    return next((hit for hit in hits if word in hit["text"]), None)


def create_article(stack: Stack, supporter: Person, title: str, body: str) -> dict[str, Any]:
    """An article written over the api."""
    content = {"title": title, "body": body, "language": "en", "tags": ["test"]}
    answer = call(stack, "POST", "/api/kb/articles", supporter, json=content)
    assert answer.status_code == 201, answer.text
    article: dict[str, Any] = answer.json()
    return article


def article_item(page: Page, article_id: str) -> Locator:
    """The list entry of an article."""
    return page.locator(f"#kb-list li.kb-item[data-article-id='{article_id}']")


async def open_kb(pages: Pages, supporter: Person, **kwargs: Any) -> Page:
    """A supporter signs in on /console/kb directly."""
    page = await pages.open("/console/kb", **kwargs)
    await log_in(page, supporter.jid.split("@")[0], supporter.password)
    await expect(page.locator("#kb-view")).to_be_visible()
    return page


async def open_article(page: Page, article_id: str) -> None:
    """Open an article from the list and wait for the editor."""
    await article_item(page, article_id).locator("button").click()
    await expect(page.locator("#kb-editor")).to_be_visible()


async def test_supporter_writes_an_article_with_preview_and_search_finds_it_within_seconds(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    page = await pages.open("/console")
    await log_in_as(page, sam)
    await page.locator("#kb-link").click()
    await expect(page).to_have_url(f"{stack.api}/console/kb")
    await expect(page.locator("#kb-view")).to_be_visible()  # the console's sign-in carries over
    await expect(page.locator("#me")).to_have_text("Sam")

    word = f"kbword{uuid.uuid4().hex[:8]}"
    await page.locator("#kb-new").click()
    await expect(page.get_by_label("Title", exact=True)).to_be_focused()
    focused = await tab_through(page, "#kb-title", 4)
    assert focused == ["kb-language", "kb-tags", "kb-body", "kb-save"]
    await page.get_by_label("Title", exact=True).fill(f"Chain care {word[-4:]}")
    await page.get_by_label("Language", exact=True).select_option("en")
    await page.locator("#kb-tags").fill("maintenance, chain, maintenance")
    await expect(page.locator("#kb-tag-chips li")).to_have_text(["maintenance", "chain"])
    body = f"# Cleaning the chain\n\nUse **degreaser** ({word}).\n\n- wipe it\n- oil it\n"
    await page.locator("#kb-body").fill(body)
    preview = page.locator("#kb-preview")
    await expect(preview.locator("h1")).to_have_text("Cleaning the chain")
    await expect(preview.locator("ul li")).to_have_text(["wipe it", "oil it"])
    await expect(preview.locator("strong")).to_have_text("degreaser")
    await page.locator("#kb-save").click()
    await expect(page.locator("#kb-saved")).to_have_text(
        "Saved version 1 — searchable in a few seconds."
    )
    await expect(page.locator("#kb-meta")).to_contain_text("Version 1")
    await expect(page.locator("#kb-meta")).to_contain_text("by Sam")
    hit = await eventually(lambda: found(stack, sam, word), timeout=WAIT)
    article_id = hit["article_id"]
    await expect(article_item(page, article_id).locator(".kb-chip")).to_have_text(
        ["maintenance", "chain"]
    )

    # An edit with a new word is found within seconds, through the page's search box too.
    second = f"kbnew{uuid.uuid4().hex[:8]}"
    await page.locator("#kb-body").fill(body + f"\nThen ride ({second}).\n")
    await page.locator("#kb-save").click()
    await expect(page.locator("#kb-saved")).to_contain_text("Saved version 2")
    await eventually(lambda: found(stack, sam, second), timeout=15)
    await page.locator("#kb-q").fill(second)
    await page.locator("#kb-search-submit").click()
    await expect(page.locator("#kb-list li.kb-item").first).to_have_attribute(
        "data-article-id", article_id
    )
    await expect(page.locator("#kb-list-status")).to_contain_text("found for")
    await page.screenshot(path=screenshot_path("kb-editor"), full_page=True)

    await page.set_viewport_size({"width": 390, "height": 844})
    assert await fits(page, 390)
    await page.screenshot(path=screenshot_path("kb-editor-phone"))
    await page.locator("#kb-back").click()
    await expect(page.locator("#kb-list")).to_be_visible()
    assert await fits(page, 390)
    await page.locator("#to-console").click()  # back to the chats; on a phone the link is there
    await expect(page.locator("#chat-list")).to_be_visible()
    await expect(page.locator("#kb-link")).to_be_hidden()
    await page.locator("#kb-link-phone").click()
    await expect(page.locator("#kb-view")).to_be_visible()


async def test_a_conflicting_save_says_who_saved_and_keeps_the_draft(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    kim = make_supporter("Kim")
    article = create_article(stack, sam, f"Pedal {uuid.uuid4().hex[:4]}", "Pedals are included.")
    sam_page = await open_kb(pages, sam)
    kim_page = await open_kb(pages, kim)
    for page in (sam_page, kim_page):
        await open_article(page, article["id"])
    await kim_page.locator("#kb-body").fill("Pedals are included. Kim was here.")
    await kim_page.locator("#kb-save").click()
    await expect(kim_page.locator("#kb-saved")).to_contain_text("Saved version 2")

    await sam_page.locator("#kb-body").fill("Pedals are included. Sam's draft.")
    await sam_page.locator("#kb-save").click()
    conflict = sam_page.locator("#kb-conflict")
    await expect(conflict).to_be_visible()
    await expect(sam_page.locator("#kb-conflict-text")).to_contain_text("Kim saved version 2")
    await expect(sam_page.locator("#kb-theirs-body")).to_contain_text("Kim was here.")
    await expect(sam_page.locator("#kb-body")).to_have_value("Pedals are included. Sam's draft.")
    await sam_page.locator("#kb-conflict-keep").click()
    await expect(conflict).to_be_hidden()
    await expect(sam_page.locator("#kb-body")).to_have_value("Pedals are included. Sam's draft.")
    await expect(sam_page.locator("#kb-meta")).to_contain_text("Version 2")
    await sam_page.locator("#kb-body").press("Control+s")  # the keyboard saves too
    await expect(sam_page.locator("#kb-saved")).to_contain_text("Saved version 3")
    saved = call(stack, "GET", f"/api/kb/articles/{article['id']}", sam).json()
    assert (saved["version"], saved["body"]) == (3, "Pedals are included. Sam's draft.")


async def test_archiving_hides_an_article_from_search_and_restoring_brings_it_back(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    word = f"kbarch{uuid.uuid4().hex[:8]}"
    article = create_article(stack, sam, "Frame number", f"The frame number ({word}) is stamped.")
    await eventually(lambda: found(stack, sam, word), timeout=WAIT)
    page = await open_kb(pages, sam)
    await open_article(page, article["id"])

    await page.locator("#kb-archive").click()
    await expect(page.locator("#kb-confirm")).to_be_visible()
    await page.locator("#kb-confirm-cancel").click()  # asked first; cancelling changes nothing
    await expect(page.locator("#kb-archived")).to_be_hidden()
    await page.locator("#kb-archive").click()
    await page.locator("#kb-confirm-ok").click()
    await expect(page.locator("#kb-archived")).to_be_visible()
    await expect(page.locator("#kb-saved")).to_have_text("Archived — hidden from search.")
    assert found(stack, sam, word) is None
    await expect(article_item(page, article["id"])).to_have_count(0)  # the list shows active ones
    await page.get_by_label("Show", exact=True).select_option("archived")
    await expect(article_item(page, article["id"])).to_have_attribute("data-archived", "true")

    await page.locator("#kb-restore").click()
    await page.locator("#kb-confirm-ok").click()
    await expect(page.locator("#kb-archived")).to_be_hidden()
    await expect(page.locator("#kb-saved")).to_contain_text("Restored")
    await eventually(lambda: found(stack, sam, word), timeout=15)


async def test_version_history_lists_versions_and_restores_an_old_one(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    article = create_article(stack, sam, "Lights", "Lights are checked once a year.")
    edit = {"title": "Lights", "body": "Lights are checked twice a year.", "language": "en"}
    edited = call(
        stack, "PUT", f"/api/kb/articles/{article['id']}", sam, json={**edit, "version": 1}
    )
    assert edited.status_code == 200, edited.text
    page = await open_kb(pages, sam)
    await open_article(page, article["id"])
    await expect(page.locator("#kb-body")).to_have_value("Lights are checked twice a year.")

    # Unsaved changes are guarded when switching to another article.
    await page.locator("#kb-body").fill("A draft I am not done with.")
    await page.locator("#kb-new").click()
    await expect(page.locator("#kb-confirm-title")).to_have_text("Discard unsaved changes?")
    await page.locator("#kb-confirm-cancel").click()
    await expect(page.locator("#kb-body")).to_have_value("A draft I am not done with.")
    await page.locator("#kb-revert").click()
    await page.locator("#kb-confirm-ok").click()
    await expect(page.locator("#kb-body")).to_have_value("Lights are checked twice a year.")

    await page.locator("#kb-history-toggle").click()
    await expect(page.locator("#kb-history-toggle")).to_have_attribute("aria-expanded", "true")
    versions = page.locator("#kb-versions li.kb-version")
    await expect(versions).to_have_count(2)
    await expect(versions.first).to_contain_text("Version 2")
    await expect(versions.first).to_contain_text("current")
    await page.locator("#kb-versions li[data-version='1'] [data-action=view]").click()
    await expect(page.locator("#kb-version-body")).to_have_text("Lights are checked once a year.")
    await page.locator("#kb-version-restore").click()
    await page.locator("#kb-confirm-ok").click()
    await expect(page.locator("#kb-saved")).to_contain_text("Saved version 3")
    await expect(page.locator("#kb-body")).to_have_value("Lights are checked once a year.")
    await expect(versions).to_have_count(3)
    await page.screenshot(path=screenshot_path("kb-editor-history"), full_page=True)


async def test_markup_in_an_article_is_shown_as_text_and_never_runs(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    title = f"{PAYLOADS[0]} {uuid.uuid4().hex[:4]}"
    markdown = ["[click](javascript:alert('md'))", "# <svg onload=alert('h')>", f"- {PAYLOADS[2]}"]
    body = "\n\n".join([*PAYLOADS, *markdown])
    article = create_article(stack, sam, title, body)
    page = await pages.open(None, bypass_csp=True)  # escaping alone must stop every payload
    await page.add_init_script(ALERT_HOOK)
    await page.goto(f"{stack.api}/console/kb")
    await log_in(page, sam.jid.split("@")[0], sam.password)
    await expect(article_item(page, article["id"]).locator(".kb-item-title")).to_have_text(title)
    await open_article(page, article["id"])
    preview = page.locator("#kb-preview")
    await expect(preview.locator("h1")).to_have_text("<svg onload=alert('h')>")
    await expect(preview).to_contain_text(PAYLOADS[3])
    await expect(preview.locator("a")).to_have_count(0)  # a javascript: link stays text
    await page.locator("#kb-body").fill(f"{body}\n\n[ok](https://example.com/a)")
    await expect(preview.locator("a")).to_have_attribute("href", "https://example.com/a")
    await page.locator("#kb-history-toggle").click()
    await page.locator("#kb-versions [data-action=view]").first.click()
    await expect(page.locator("#kb-version-title")).to_contain_text(title)
    assert await page.locator(INJECTED).count() == 0
    assert await page.evaluate("window.__alerts") == []


async def test_a_customer_gets_no_editor(
    stack: Stack, pages: Pages, make_guest: Callable[[str], Person]
) -> None:
    eve = make_guest("Eve")
    assert call(stack, "GET", "/api/kb/articles", eve).status_code == 403
    for role in ("user", "supporter"):  # a stored session claiming more is refused by the api
        session = {"token": eve.token, "user": {"id": eve.user_id, "role": role,
                                                "display_name": "Eve"}}  # fmt: skip
        page = await pages.open(None)
        await page.add_init_script(
            f"sessionStorage.setItem('customer-chat:console', {json.dumps(json.dumps(session))})"
        )
        await page.goto(f"{stack.api}/console/kb")
        notice = page.locator("#login-notice")
        await expect(notice).to_contain_text("cannot edit the knowledge base")
        await expect(page.locator("#kb-view")).to_be_hidden()
        await expect(page.locator("#kb-editor")).to_be_hidden()


async def test_a_draft_outlives_an_ended_session_and_articles_have_links(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    article = create_article(stack, sam, "Bell", "Every bike has a bell.")
    page = await pages.open(f"/console/kb#{article['id']}")
    await log_in(page, sam.jid.split("@")[0], sam.password)
    await expect(page.locator("#kb-body")).to_have_value("Every bike has a bell.")  # the link

    await page.locator("#kb-body").fill("Every bike has a loud bell.")
    assert call(stack, "POST", "/api/auth/logout", sam).is_success  # the session ends elsewhere
    await page.locator("#kb-save").click()
    await expect(page.locator("#login-notice")).to_contain_text("session has expired")
    await log_in(page, sam.jid.split("@")[0], sam.password)
    await expect(page.locator("#kb-body")).to_have_value("Every bike has a loud bell.")
    await expect(page.locator("#kb-meta")).to_contain_text("Version 1")
    await page.locator("#kb-save").click()
    await expect(page.locator("#kb-saved")).to_contain_text("Saved version 2")
