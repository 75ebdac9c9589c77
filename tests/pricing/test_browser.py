"""In a real Chromium: the admin pricing pages render (chart included) under the site's CSP.

Screenshots go to /tmp/screens/ (outside the repository) for a human look.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from pricing import services
from pricing.models import PriceSuggestion, PricingRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/screens")


def test_staff_see_the_suggestion_with_its_curve_and_the_dashboard(browser_page, live_server, admin_user, store):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    services.pricing_run_execute(trigger=PricingRun.Trigger.ADMIN)
    suggestion = PriceSuggestion.objects.get(variant=store[0])
    SCREENSHOTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/pricing/pricesuggestion/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    page.screenshot(path=str(SCREENSHOTS / "pricing-suggestions.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/pricing/pricesuggestion/{suggestion.pk}/change/")
    chart = page.locator('canvas[data-chart="demand-curve"]')
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("data-drawn", "true")
    page.get_by_text("Table view").click()
    expect(page.locator("#demand-curve-table tbody tr")).to_have_count(len(suggestion.curve["prices"]))
    page.screenshot(path=str(SCREENSHOTS / "pricing-suggestion.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/pricing/pricingrun/dashboard/")
    expect(page.get_by_role("heading", name="Last run")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "pricing-dashboard.png"), full_page=True)
    assert errors == []
