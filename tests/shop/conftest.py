"""Fixtures of the storefront tests: a catalog product builder and a real Chromium for browser tests."""

import os
import shutil
from decimal import Decimal

import pytest
from django.db import connections

from shop.models import Product, ProductImage
from shop.services import product_denormalised_refresh, product_rating_refresh, search_terms_refresh
from tests.factories import ProductFactory, ReviewFactory, VariantFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def make_product():
    """Build an active product the way the catalog services leave it: variants, optional images and
    reviews, then the denormalised columns (min price, stock, ratings, search vector) refreshed.

    `variants` is a list of dicts of Variant fields; by default one variant at `price` with `stock`.
    `ratings` creates one published review per rating. `images` creates that many image rows whose
    thumbnail paths are predictable (no files are written: pages only print their paths).
    """

    def make(
        *,
        price: str = "19.99",
        stock: int = 10,
        compare_at: str | None = None,
        variants: list[dict] | None = None,
        ratings: tuple[int, ...] = (),
        images: int = 0,
        **fields,
    ) -> Product:
        product = ProductFactory(**fields)
        for position, variant in enumerate(
            variants
            or [
                {
                    "price": Decimal(price),
                    "stock_quantity": stock,
                    "compare_at_price": Decimal(compare_at) if compare_at else None,
                }
            ]
        ):
            VariantFactory(product=product, position=position, **variant)
        for rating in ratings:  # anonymous reviews: a user each would cost a password hash
            ReviewFactory(product=product, rating=rating, user=None, author_name="Sam")
        ProductImage.objects.bulk_create(
            ProductImage(
                product=product,
                image=f"products/{product.pk}/{product.pk}-{n}.jpg",
                thumbnail_small=f"products/thumbs/{product.pk}-{n}-320.jpg",
                thumbnail_medium=f"products/thumbs/{product.pk}-{n}-640.jpg",
                width=1600,
                height=1600,
                alt_text=f"{product.name} photo {n + 1}",
                position=n,
            )
            for n in range(images)
        )
        product_denormalised_refresh(product_ids=[product.pk])
        product_rating_refresh(product_ids=[product.pk])
        search_terms_refresh()
        product.refresh_from_db()
        return product

    return make


@pytest.fixture
def browser_page(live_server):
    """A page of Debian's Chromium driven by Playwright (never a downloaded browser).

    Playwright's sync API runs an event loop in this thread, which makes Django refuse database
    access from it unless DJANGO_ALLOW_ASYNC_UNSAFE is set; the live server runs in another thread.
    Any Content-Security-Policy violation the browser reports fails the test: the site must work
    under the production CSP (no inline scripts or styles).
    """
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install it with `apt-get install chromium`.")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.set_default_timeout(10_000)
                csp_violations = []
                page.on(
                    "console",
                    lambda message: (
                        csp_violations.append(message.text) if "Content Security Policy" in message.text else None
                    ),
                )
                yield page
                assert not csp_violations, f"Content-Security-Policy violations: {csp_violations}"
            finally:
                browser.close()
                # Database work inside Playwright's event loop uses connections of its own (Django keeps
                # them per async context); close them here, where they are visible, or they outlive the
                # test and keep the test database from being dropped at the end of the run.
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
