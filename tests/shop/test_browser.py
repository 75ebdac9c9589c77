"""Smoke test in a real Chromium: search with a typo, pick a variant, add it to the cart.

Screenshots of every step go to /tmp/storefront-browser/ (outside the repository) for a human look.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import BrandFactory, CategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/storefront-browser")


def snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def catalog(make_product):
    audio = CategoryFactory(name="Audio", slug="audio", is_featured=True)
    sonic = BrandFactory(name="Sonic", slug="sonic")
    make_product(name="Desk Speaker", slug="desk-speaker", category=audio, brand=sonic, price="59.00")
    return make_product(
        name="Studio Headphones",
        slug="studio-headphones",
        category=audio,
        brand=sonic,
        popularity=10,
        variants=[
            {
                "name": "S / Black",
                "option_values": {"Size": "S", "Colour": "Black"},
                "price": "99.00",
                "stock_quantity": 20,
            },
            {
                "name": "M / Black",
                "option_values": {"Size": "M", "Colour": "Black"},
                "price": "99.00",
                "stock_quantity": 2,
            },
            {
                "name": "M / Blue",
                "option_values": {"Size": "M", "Colour": "Blue"},
                "price": "109.00",
                "compare_at_price": "129.00",
                "stock_quantity": 0,
            },
            {
                "name": "S / Blue",
                "option_values": {"Size": "S", "Colour": "Blue"},
                "price": "109.00",
                "stock_quantity": 30,
            },
        ],
    )


def test_search_pick_a_variant_and_add_it_to_the_cart(browser_page, live_server, catalog):
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Best sellers")).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("0")
    snap(page, "01-home")

    # A misspelled query: the search box suggests as you type, Enter submits the form.
    search = page.get_by_role("combobox", name="Search products")
    search.press_sequentially("hedphones", delay=30)
    page.wait_for_timeout(400)
    snap(page, "02-typing")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=hedphones$"))
    expect(page.get_by_test_id("correction")).to_have_text("Showing results for headphones instead of hedphones.")
    expect(page.locator(".product-card-title")).to_have_text(["Studio Headphones"])
    snap(page, "03-results")

    page.get_by_role("link", name=re.compile("Studio Headphones")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Studio Headphones")
    price, was = page.locator("#product-price [data-price]"), page.locator("#product-price [data-compare-at]")
    stock, add = page.locator("#stock-state"), page.locator("#add-to-cart")
    # JavaScript replaced the plain variant select with one button group per option.
    expect(page.locator("#option-picker")).to_be_visible()
    expect(page.locator("#variant-select")).to_be_hidden()
    expect(page.get_by_role("radio", name="S", exact=True)).to_be_checked()
    expect(page.get_by_role("radio", name="Black", exact=True)).to_be_checked()
    expect(was).to_be_hidden()
    expect(price).to_have_text("€99.00")
    expect(stock).to_have_text("In stock")
    snap(page, "04-product")

    page.get_by_role("radio", name="Blue", exact=True).check()
    expect(price).to_have_text("€109.00")
    page.get_by_role("radio", name="M", exact=True).check()
    expect(stock).to_have_text("Out of stock")
    expect(was).to_have_text("was €129.00")
    expect(add).to_be_disabled()
    snap(page, "05-sold-out-variant")

    page.get_by_role("radio", name="Black", exact=True).check()
    expect(stock).to_have_text("Only 2 left")
    expect(price).to_have_text("€99.00")
    expect(add).to_be_enabled()
    page.get_by_label("Quantity").fill("2")
    snap(page, "06-variant-picked")
    add.click()

    added = "Added to your cart: Studio Headphones (M / Black), quantity 2."
    expect(page.get_by_role("status").filter(has_text=added)).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("2")
    snap(page, "07-added")

    page.get_by_test_id("cart-link").click()
    expect(page.get_by_test_id("subtotal")).to_have_text("€198.00")
    snap(page, "08-cart")
    assert errors == []


def test_autocomplete_is_keyboard_navigable(browser_page, live_server, catalog):
    page = browser_page
    page.goto(live_server.url + "/")

    search = page.get_by_role("combobox", name="Search products")
    search.press_sequentially("studio", delay=30)
    options = page.get_by_role("option")
    expect(options.first).to_have_text(re.compile("Studio Headphones"))
    expect(search).to_have_attribute("aria-expanded", "true")
    search.press("ArrowDown")
    expect(search).to_have_attribute("aria-activedescendant", "site-search-option-0")
    expect(options.first).to_have_attribute("aria-selected", "true")
    snap(page, "09-autocomplete")
    search.press("Enter")

    expect(page).to_have_url(live_server.url + "/p/studio-headphones/")
