"""Admins manage the staff accounts in the console's Team view."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import Pages, fits, screenshot_path
from tests.browser.test_console import log_in_as
from tests.conftest import Person
from tests.stack import Stack

pytestmark = pytest.mark.browser


def login_status(stack: Stack, login: str, password: str) -> int:
    """What the api answers to a sign-in with these credentials."""
    answer = httpx.post(
        f"{stack.api}/api/auth/login", json={"email": login, "password": password}, timeout=20
    )
    return answer.status_code


def admin_list_status(stack: Stack, token: str) -> int:
    """What the api answers when this token asks for the staff list."""
    answer = httpx.get(
        f"{stack.api}/api/admin/users", headers={"Authorization": f"Bearer {token}"}, timeout=20
    )
    return answer.status_code


def staff_item(page: Page, name: str) -> Locator:
    """The Team view's entry of the person called `name`."""
    return page.locator("#staff-list li.staff-item").filter(
        has=page.locator(".staff-name", has_text=name)
    )


async def test_admin_adds_a_supporter_resets_and_disables_them(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    admin_name = f"Ada {uuid.uuid4().hex[:4]}"  # other tests create admins called Ada too
    admin = make_supporter(admin_name, role="admin")
    page = await pages.open("/console")
    await log_in_as(page, admin)
    await page.locator("#team-toggle").click()
    await expect(page.locator("#team-view")).to_be_visible()
    await expect(page.locator("#team-toggle")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#chat-list")).to_be_hidden()
    me = staff_item(page, admin_name)
    await expect(me.locator(".staff-name")).to_contain_text("(you)")
    await expect(me.locator("[data-action=toggle]")).to_have_count(0)  # no self-disable
    await expect(page.get_by_label("Name", exact=True)).to_be_focused()
    await page.screenshot(path=screenshot_path("console-team-form"))

    username = f"nina{uuid.uuid4().hex[:6]}"
    email = f"{username}@example.com"
    name = f"Nina {username[-6:]}"
    first_password = f"pw-{uuid.uuid4().hex[:12]}"

    # Bad input first: the page checks, the api's detail is shown for the rest.
    await page.get_by_label("Name", exact=True).fill(name)
    await page.get_by_label("Email", exact=True).fill(email)
    await page.get_by_label("Initial password").fill("short")
    await page.locator("#staff-create").click()
    await expect(page.locator("#staff-error")).to_have_text(
        "The password needs at least 8 characters."
    )
    await page.get_by_label("Email", exact=True).fill(f"bad+name{uuid.uuid4().hex[:4]}@example.com")
    await page.get_by_label("Initial password").fill(first_password)
    await page.locator("#staff-create").click()
    await expect(page.locator("#staff-error")).to_contain_text("usernames use a-z")

    await page.get_by_label("Email", exact=True).fill(email)
    await page.get_by_label("Role").select_option("supporter")
    await page.locator("#staff-create").click()
    nina = staff_item(page, name)
    await expect(nina).to_have_attribute("data-role", "supporter")
    await expect(nina).to_have_attribute("data-disabled", "false")
    await expect(nina.locator(".state-pill")).to_have_text("Active")
    await expect(nina.locator(".staff-meta")).to_contain_text(email)
    await expect(page.locator("#staff-error")).to_be_hidden()
    await expect(page.get_by_label("Name", exact=True)).to_have_value("")
    assert login_status(stack, email, first_password) == 200

    # The same email again: 409 with the api's detail.
    await page.get_by_label("Name", exact=True).fill("Nina again")
    await page.get_by_label("Email", exact=True).fill(email)
    await page.get_by_label("Initial password").fill(first_password)
    await page.locator("#staff-create").click()
    await expect(page.locator("#staff-error")).to_have_text(
        "a user with this email or username exists"
    )

    # Reset the password (an inline form, no browser dialog).
    new_password = f"pw-{uuid.uuid4().hex[:12]}"
    await nina.locator("[data-action=reset]").click()
    await expect(page.get_by_label(f"New password for {name}")).to_be_focused()
    await page.get_by_label(f"New password for {name}").fill(new_password)
    await page.screenshot(path=screenshot_path("console-team"), full_page=True)
    await nina.locator("[data-action=save-password]").click()
    await expect(nina.locator("form.staff-reset")).to_have_count(0)
    assert login_status(stack, email, first_password) == 401
    assert login_status(stack, email, new_password) == 200

    # Disable: the login fails; enable: it works again.
    await nina.locator("[data-action=toggle]").click()
    await expect(nina).to_have_attribute("data-disabled", "true")
    await expect(nina.locator(".state-pill")).to_have_text("Disabled")
    await expect(nina.locator("[data-action=toggle]")).to_have_text("Enable")
    assert login_status(stack, email, new_password) == 401
    await nina.locator("[data-action=toggle]").click()
    await expect(nina).to_have_attribute("data-disabled", "false")
    assert login_status(stack, email, new_password) == 200
    await nina.locator("[data-action=toggle]").click()
    await expect(nina).to_have_attribute("data-disabled", "true")
    assert login_status(stack, email, new_password) == 401

    # The list comes from the api: a fresh view shows the same.
    await page.locator("#team-back").click()
    await expect(page.locator("#chat-list")).to_be_visible()
    await expect(page.locator("#team-toggle")).to_be_focused()
    await page.locator("#team-toggle").click()
    await expect(staff_item(page, name)).to_have_attribute("data-disabled", "true")


async def test_supporters_have_no_team_view_and_admins_fit_a_phone(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person]
) -> None:
    supporter = make_supporter("Sid")
    page = await pages.open("/console")
    await log_in_as(page, supporter)
    await expect(page.locator("#team-toggle")).to_be_hidden()
    assert await page.locator("#staff-form").count() == 0
    assert admin_list_status(stack, supporter.token) == 403

    phone = await pages.open("/console", width=360, height=740)
    await log_in_as(phone, make_supporter("Ada", role="admin"))
    await phone.locator("#team-toggle").click()
    await expect(phone.locator("#staff-list li.staff-item").first).to_be_visible()
    assert await fits(phone, 360)
    await phone.locator("#staff-list li.staff-item [data-action=reset]").first.click()
    assert await fits(phone, 360)
    await phone.screenshot(path=screenshot_path("console-team-phone"), full_page=True)

    # Logging out removes the view; the login form's labels stay unambiguous.
    await phone.locator("#logout").click()
    await expect(phone.get_by_label("Password")).to_be_visible()
    assert await phone.locator("#staff-form").count() == 0
