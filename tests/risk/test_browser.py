"""A card-testing burst on the website, in a real Chromium: declined cards, then one that works; the
order is held, the shopper is told plainly, and staff find it in the review queue with its reasons.
Screenshots go to /tmp/storefront-browser/ (outside the repository) for a human look."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orders.models import HOLD_NOTE, Order
from tests.checkout.test_browser import add_lamp_to_cart, fill_checkout, lamp, snap  # noqa: F401 (fixture)
from tests.factories import RiskRuleFactory
from tests.shop.conftest import browser_page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_card_testing_burst_ends_on_hold_and_in_the_review_queue(browser_page, live_server, lamp):  # noqa: F811
    RiskRuleFactory(
        name="Card testing", kind="velocity", action="review", entity="ip", counted="failed_payments",
        window=3600, limit=2, values="", list_field="",
    )  # fmt: skip
    page = browser_page
    add_lamp_to_cart(page, live_server)
    page.get_by_test_id("cart-link").click()
    page.get_by_test_id("checkout-button").click()
    for _attempt in range(3):
        fill_checkout(page, card_number="4000 0000 0000 0002")
        page.get_by_test_id("place-order").click()
        expect(page.get_by_text("Your card was declined.")).to_be_visible()

    fill_checkout(page, card_number="4242 4242 4242 4242")
    page.get_by_test_id("place-order").click()

    expect(page.get_by_test_id("order-status-note")).to_have_text(HOLD_NOTE)
    snap(page, "risk-held-confirmation")
    order = Order.objects.get()
    assert order.status == "on_hold"
    get_user_model().objects.create_superuser("boss", "boss@example.com", "pass-word-123")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/risk/reviewqueueitem/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pass-word-123")
    page.click("input[type=submit]")
    expect(page.get_by_text("3 failed payments from this IP address in the last hour (limit 2)")).to_be_visible()
    snap(page, "risk-review-queue")
