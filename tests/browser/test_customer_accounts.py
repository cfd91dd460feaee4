"""Customers with an account: register, sign in, sign out, and sign in again mid-chat."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import (
    Connect,
    Pages,
    customer_chat,
    fits,
    screenshot_path,
    unique,
)
from tests.browser.test_customer_page import bubble, take_over_api
from tests.conftest import Person, eventually
from tests.stack import Stack

pytestmark = pytest.mark.browser


def new_email(name: str) -> str:
    """An email address no other test uses."""
    return f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com"


async def register(page: Page, name: str, email: str, password: str) -> None:
    """Create an account with the page's registration form."""
    await page.locator("#show-register").click()
    await page.get_by_label("Name", exact=True).fill(name)
    await page.locator("#register-email").fill(email)
    await page.locator("#register-password").fill(password)
    await page.locator("#register").click()


async def sign_in(page: Page, email: str, password: str) -> int:
    """Sign in with the start card's sign-in form; the status the api answered."""
    if not await page.locator("#signin-form").is_visible():
        await page.locator("#show-signin").click()
    await page.locator("#signin-email").fill(email)
    await page.locator("#signin-password").fill(password)
    async with page.expect_response("**/api/auth/login") as answer:
        await page.locator("#signin").click()
    return (await answer.value).status


def log_out(stack: Stack, token: str) -> int:
    """Revoke a session token as a logout elsewhere would; the api's status."""
    answer = httpx.post(
        f"{stack.api}/api/auth/logout", headers={"Authorization": f"Bearer {token}"}, timeout=20
    )
    return answer.status_code


async def page_token(page: Page) -> str:
    """The session token the customer page holds."""
    saved = await page.evaluate("localStorage.getItem('customer-chat:customer')")
    token: str = json.loads(saved)["token"]
    return token


async def test_registered_customer_signs_in_again_mid_chat_and_keeps_draft_and_chat(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    sam_person = make_supporter("Sam")
    sam = await connect(sam_person)
    page = await pages.open("/")
    name = unique("Lena")
    email = new_email("lena")
    password = f"pw-{uuid.uuid4().hex[:12]}"

    await register(page, name, email, password)
    await expect(page.locator("#account-name")).to_have_text(name)
    await expect(page.locator("#sign-out")).to_be_visible()
    await expect(page.locator("#start-form")).to_be_visible()
    await expect(page.locator("#name")).to_be_hidden()
    await expect(page.locator("#skip-link")).to_have_attribute("href", "#subject")
    await page.get_by_label("What is it about?").fill("Gears slip")
    await page.locator("#start").click()
    await page.locator("#status[data-status=waiting]").wait_for()
    await expect(page.locator("#skip-link")).to_have_attribute("href", "#message-input")
    chat = await customer_chat(page)
    take_over_api(stack, sam_person, chat["id"])
    await expect(page.locator("#status")).to_have_text("Chat active")
    await sam.join(chat["room_jid"], "Sam")

    box = page.locator("#message-input")
    await box.fill("first message")
    await box.press("Enter")
    await expect(bubble(page, "first message")).to_have_attribute("data-state", "sent")

    # A draft is typed, not sent, when the session is revoked (here: logged out elsewhere).
    draft = "my frame number is 4711, and"
    await box.fill(draft)
    old_token = await page_token(page)
    assert log_out(stack, old_token) == 204

    prompt = page.locator("#reauth")
    await expect(prompt).to_be_visible(timeout=20_000)
    await expect(page.locator("#reauth-email")).to_have_value(email)
    await expect(page.locator("#reauth-password")).to_be_focused()
    await expect(box).to_have_value(draft)
    await page.screenshot(path=screenshot_path("customer-reauth"), full_page=True)

    # The supporter writes meanwhile; the page catches up after the sign-in.
    sam.say(chat["room_jid"], "while you were away")

    await page.locator("#reauth-password").fill("not the password")
    await page.locator("#reauth-submit").click()
    await expect(page.locator("#reauth-error")).to_have_text("wrong email or password")
    await expect(prompt).to_be_visible()

    await page.locator("#reauth-password").fill(password)
    await page.locator("#reauth-submit").click()
    await expect(prompt).to_be_hidden()
    await expect(box).to_have_value(draft)
    await expect(box).to_be_focused()
    assert await page_token(page) != old_token
    await expect(bubble(page, "while you were away")).to_have_count(1, timeout=20_000)

    await box.press_sequentially(" it clicks")
    await box.press("Enter")
    sent = bubble(page, f"{draft} it clicks")
    await expect(sent).to_have_attribute("data-state", "sent", timeout=20_000)
    await sam.wait_for(lambda: any(m.body == f"{draft} it clicks" for m in sam.room_messages))
    assert [m.body for m in sam.room_messages].count(f"{draft} it clicks") == 1
    assert [m.nick for m in sam.room_messages if m.body == f"{draft} it clicks"] == [name]
    after = await customer_chat(page)
    assert (after["id"], after["room_jid"]) == (chat["id"], chat["room_jid"])
    await expect(page.locator("#messages li.message")).to_have_count(3)
    assert await page.evaluate("localStorage.getItem('customer-chat:customer:draft')") is None


async def test_a_guest_whose_session_ended_starts_again_with_the_draft_kept(
    stack: Stack, pages: Pages
) -> None:
    page = await pages.open("/")
    name = unique("Gus")
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("What is it about?").fill("Lock stuck")
    await page.locator("#start").click()
    await page.locator("#status[data-status=waiting]").wait_for()
    first = await customer_chat(page)
    await page.locator("#message-input").fill("half a sentence")

    assert log_out(stack, await page_token(page)) == 204
    await expect(page.locator("#start-notice")).to_have_text(
        "Your session has ended. Please start the chat again.", timeout=20_000
    )
    await expect(page.locator("#reauth")).to_be_hidden()
    await expect(page.get_by_label("Your name")).to_have_value(name)
    await expect(page.get_by_label("What is it about?")).to_have_value("Lock stuck")
    await page.locator("#start").click()
    await page.locator("#status[data-status=waiting]").wait_for()
    assert (await customer_chat(page))["id"] != first["id"]
    await expect(page.locator("#message-input")).to_have_value("half a sentence")


async def test_account_forms_show_the_api_errors_and_sign_out_signs_out(
    stack: Stack, pages: Pages
) -> None:
    page = await pages.open("/", width=360, height=740)
    email = new_email("mara")
    password = f"pw-{uuid.uuid4().hex[:12]}"

    # Checked on the page before asking the api.
    await register(page, "Mara", email, "short")
    await expect(page.locator("#register-error")).to_have_text(
        "The password needs at least 8 characters."
    )
    await expect(page.locator("#register-password")).to_be_focused()
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("customer-register-phone"), full_page=True)

    await page.locator("#register-password").fill(password)
    await page.locator("#register").click()
    await expect(page.locator("#account-name")).to_have_text("Mara")
    assert await fits(page, 360)
    await page.screenshot(path=screenshot_path("customer-signed-in-phone"), full_page=True)

    # Sign out ends the token on the server too.
    token = await page_token(page)
    await page.locator("#sign-out").click()
    await expect(page.locator("#start-notice")).to_have_text("You are signed out.")
    await expect(page.locator("#account")).to_be_hidden()
    await expect(page.locator("#name")).to_be_visible()
    assert await page.evaluate("localStorage.getItem('customer-chat:customer')") is None

    def revoked() -> bool | None:
        answer = httpx.get(f"{stack.api}/api/me", headers={"Authorization": f"Bearer {token}"})
        return True if answer.status_code == 401 else None

    assert await eventually(revoked, timeout=5)

    # 409: the email is taken.
    await register(page, "Mara Two", email, password)
    await expect(page.locator("#register-error")).to_have_text(
        "a user with this email or username exists"
    )

    # 401, then 429 after repeated failures (the refused registration above counts as one:
    # five failures a minute per account).
    await page.locator("#register-form [data-mode=signin]").click()
    for _ in range(4):
        assert await sign_in(page, email, "wrong password") == 401
        await expect(page.locator("#signin-error")).to_have_text("wrong email or password")
    assert await sign_in(page, email, password) == 429
    await expect(page.locator("#signin-error")).to_contain_text("try again in")
    await expect(page.locator("#signin-error")).to_contain_text("seconds")
    await expect(page.locator("#account")).to_be_hidden()


async def test_signing_in_continues_the_open_chat_of_the_account(
    stack: Stack, pages: Pages
) -> None:
    page = await pages.open("/")
    email = new_email("otto")
    password = f"pw-{uuid.uuid4().hex[:12]}"
    await register(page, "Otto", email, password)
    await page.get_by_label("What is it about?").fill("Saddle")
    await page.locator("#start").click()
    await page.locator("#status[data-status=waiting]").wait_for()
    chat = await customer_chat(page)
    await page.locator("#message-input").fill("hello from the first browser")
    await page.locator("#message-input").press("Enter")
    await expect(bubble(page, "hello from the first browser")).to_have_attribute(
        "data-state", "sent"
    )

    other = await pages.open("/")
    await sign_in(other, email, password)
    await other.locator("#status[data-status=waiting]").wait_for()
    assert (await customer_chat(other))["id"] == chat["id"]
    await expect(bubble(other, "hello from the first browser")).to_have_count(1)
