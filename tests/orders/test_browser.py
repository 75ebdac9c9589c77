"""In a real Chromium: a customer signs in, opens an order from their history and cancels it.

Screenshots of every step go to /tmp/storefront-browser/ (outside the repository) for a human look.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from orders.models import Order
from payments.models import Payment
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/storefront-browser")
PASSWORD = "correct-horse-battery"


def snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_customer_cancels_an_order_from_their_history(browser_page, live_server, make_order):
    # given: a customer with a paid order (captured payment) and an older delivered one
    ana = UserFactory(username="ana", email="ana@example.com", password=PASSWORD)
    order = make_order(
        user=ana,
        lines=(("24.90", 2),),
        shipping_method="Standard delivery",
        shipping_address={"full_name": "Ana Silva", "line1": "1 High Street", "city": "Leeds", "postal_code": "LS1"},
        stock=1,
    )
    make_order(user=ana, status=Order.Status.DELIVERED)
    page = browser_page

    # when: she opens her orders and signs in on the way
    page.goto(f"{live_server.url}/account/orders/")
    page.get_by_label("Email or username").fill("ana@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    expect(page.get_by_test_id("order-history").get_by_role("row")).to_have_count(3)  # header + 2 orders
    snap(page, "orders-1-history")

    # and opens the paid order
    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", name=f"Order {order.number}")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    expect(page.get_by_test_id("order-total")).to_have_text("€49.80")

    # and cancels it, confirming
    page.get_by_text("Cancel order", exact=True).click()
    confirm = page.get_by_role("button", name="Yes, cancel order")
    expect(confirm).to_be_visible()
    snap(page, "orders-2-confirm-cancel")
    confirm.click()

    # then: the page says so and shows the new status
    expect(page.get_by_text(f"Order {order.number} has been cancelled.")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Cancelled")
    expect(page.get_by_test_id("order-timeline")).to_contain_text("Cancelled")
    expect(page.get_by_role("button", name="Yes, cancel order")).to_have_count(0)
    snap(page, "orders-3-cancelled")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.lines.get().variant.stock_quantity == 3
    assert order.payments.get().status == Payment.Status.REFUNDED
