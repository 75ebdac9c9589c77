"""The blocks in a real browser: rendered from the API by static JS, with reasons, on home and product pages."""

import os
from pathlib import Path

import pytest

from tests.factories import VariantFactory
from tests.recommendations.store import planted_store, train
from tests.shop.conftest import browser_page

__all__ = ["browser_page"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def screenshot(page, name: str) -> None:
    """Keep a picture of the page when SCREENSHOT_DIR is set (for people to look at)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_blocks_render_with_reasons_on_the_product_page_then_on_home(browser_page, live_server, settings):
    # given: a trained store whose products can be bought
    settings.ML_DEVICE = "cpu"
    store = planted_store()
    for product in store.products:
        VariantFactory(product=product, stock_quantity=5)
    train(store)
    product = store.products[0]
    page = browser_page

    # when: an anonymous shopper opens a product page
    page.goto(f"{live_server.url}/p/{product.slug}/")
    similar = page.locator('[data-recs-block="similar"]')
    similar.locator(".recs-reason").first.wait_for()
    together = page.locator('[data-recs-block="bought_together"]')
    together.locator(".recs-reason").first.wait_for()
    screenshot(page, "product")

    # then
    assert similar.locator("h2").inner_text() == "Similar products"
    assert set(similar.locator(".recs-reason").all_inner_texts()) == {f"Similar to {product.name}"}
    assert together.locator(".recs-reason").first.inner_text() == f"Often bought with {product.name}"
    bundle = together.locator("[data-recs-bundle-form] button")
    assert bundle.inner_text().startswith("Add all ")

    # when: they go to the home page
    page.goto(f"{live_server.url}/")
    for_you = page.locator('[data-recs-block="for_you"]')
    for_you.locator(".recs-reason").first.wait_for()
    page.locator('[data-recs-block="trending"] .recs-reason').first.wait_for()
    screenshot(page, "home")

    # then: this session's view explains the personal block; trending says where products are popular
    assert for_you.locator("h2").inner_text() == "Recommended for you"
    assert set(for_you.locator(".recs-reason").all_inner_texts()) == {f"Because you viewed {product.name}"}
    trending = page.locator('[data-recs-block="trending"] .recs-reason').all_inner_texts()
    assert len(trending) == 8
    assert all(reason.startswith("Popular in ") for reason in trending)

    # when: the bundle goes into the cart in one click
    page.goto(f"{live_server.url}/p/{product.slug}/")
    together.locator("[data-recs-bundle-form] button").wait_for()
    count = int(bundle.inner_text().split()[2])
    bundle.click()
    page.wait_for_url("**/cart/")

    # then
    assert page.locator('[data-testid="cart-line"]').count() == count
    page.locator('[data-recs-block="cart"] .recs-reason').first.wait_for()
    screenshot(page, "cart")
