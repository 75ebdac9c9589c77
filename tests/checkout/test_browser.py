"""Guest checkout end to end in a real Chromium: browse, add to cart, cart, checkout, pay, confirmation;
and a declined card that shows its message and places nothing.

Screenshots of every step go to /tmp/storefront-browser/ (outside the repository) for a human look.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from orders.models import Order
from shop.models import Variant
from tests.factories import CategoryFactory, ShippingMethodFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/storefront-browser")


def snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"checkout-{name}.png", full_page=True)


@pytest.fixture
def lamp(make_product):
    ShippingMethodFactory()
    category = CategoryFactory(name="Lighting", slug="lighting", is_featured=True)
    return make_product(name="Desk Lamp", slug="desk-lamp", category=category, price="24.00", stock=5)


def fill_checkout(page, *, card_number: str) -> None:
    page.get_by_label("Email").fill("ana@example.com")
    page.locator('[name="shipping-full_name"]').fill("Ana Silva")
    page.locator('[name="shipping-line1"]').fill("1 High Street")
    page.locator('[name="shipping-city"]').fill("London")
    page.locator('[name="shipping-postal_code"]').fill("SW1A 1AA")
    page.locator('[name="shipping-country"]').select_option("GB")
    page.get_by_label("Card number").fill(card_number)
    page.get_by_label("Expiry (MM/YY)").fill("12/35")
    page.get_by_label("Security code").fill("123")


def add_lamp_to_cart(page, live_server) -> None:
    page.goto(live_server.url + "/c/lighting/")
    page.get_by_role("link", name=re.compile("Desk Lamp")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Desk Lamp")
    page.get_by_label("Quantity").fill("2")
    page.locator("#add-to-cart").click()
    expect(page.locator("#cart-count")).to_have_text("2")


def test_a_guest_buys_from_product_page_to_confirmation(browser_page, live_server, lamp):
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    add_lamp_to_cart(page, live_server)
    snap(page, "01-added")

    page.get_by_test_id("cart-link").click()
    expect(page.get_by_test_id("subtotal")).to_have_text("€48.00")
    snap(page, "02-cart")
    page.get_by_test_id("checkout-button").click()

    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.get_by_test_id("summary-total")).to_have_text("€52.95")
    fill_checkout(page, card_number="4242 4242 4242 4242")
    snap(page, "03-checkout")
    page.get_by_test_id("place-order").click()

    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    order = Order.objects.get()
    expect(page.get_by_test_id("order-number")).to_have_text(order.number)
    expect(page.get_by_test_id("order-total")).to_have_text("€52.95")
    expect(page.locator("#cart-count")).to_have_text("0")
    snap(page, "04-confirmation")
    assert order.status == "paid"
    assert Variant.objects.get(product=lamp).stock_quantity == 3
    assert errors == []


def test_a_declined_card_shows_the_message(browser_page, live_server, lamp):
    page = browser_page
    add_lamp_to_cart(page, live_server)
    page.goto(live_server.url + "/checkout/")

    fill_checkout(page, card_number="4000 0000 0000 0002")
    page.get_by_test_id("place-order").click()

    expect(page.get_by_test_id("checkout-error")).to_have_text("Your card was declined.")
    expect(page.get_by_label("Card number")).to_have_value("")
    expect(page.locator('[name="shipping-city"]')).to_have_value("London")
    snap(page, "05-declined")
    assert Order.objects.count() == 0
    assert Variant.objects.get(product=lamp).stock_quantity == 5
