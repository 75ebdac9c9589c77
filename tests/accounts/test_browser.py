"""In a real Chromium: register, sign out from the header menu, sign back in.

Screenshots go to /tmp/storefront-browser/ (outside the repository) for a human look.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/storefront-browser")
PASSWORD = "harbour-lantern-42"


def snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_register_sign_out_and_sign_in_again(browser_page, live_server):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # register from the header link
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Email:", exact=True).fill("ana@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    snap(page, "accounts-1-register")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    expect(page.get_by_label("Email:", exact=True)).to_have_value("ana@example.com")
    snap(page, "accounts-2-profile")

    # sign out through the account menu
    page.get_by_text("My account").click()
    snap(page, "accounts-3-menu")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    # sign in again with the email
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email or username").fill("ana@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/account/")
    expect(page.get_by_text("My account")).to_be_visible()
    snap(page, "accounts-4-signed-in")

    assert get_user_model().objects.get().email == "ana@example.com"
    assert errors == []
