"""The product page's sentiment summary in Chromium, with reviews written like the demo store's.

Saves screenshots to /tmp/screens/sentiment-summary.png and sentiment-product.png (to look at).
"""

import random
from pathlib import Path

import pytest

from demo.reviews import review_compose
from sentiment import services
from shop.services import product_rating_refresh
from tests.factories import BrandFactory, ProductFactory, ReviewFactory, VariantFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SCREENSHOTS = Path("/tmp/screens")
RATINGS = (5, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1, 5, 4, 5, 2, 1, 4, 5, 3, 4, 5, 4, 1, 5)


def test_product_page_shows_what_buyers_like_and_filters_by_aspect(live_server, browser_page):
    brand = BrandFactory(name="Sonora")
    product = ProductFactory(name="Sonora Wireless Headphones", slug="sonora-headphones", brand=brand)
    VariantFactory(product=product)
    rng = random.Random(7)
    reviews = []
    for rating in RATINGS:
        title, body = review_compose(rng=rng, rating=rating, family="audio", noun="headphones", brand="Sonora")
        review = ReviewFactory(product=product, rating=rating, title=title, body=body, user=None, author_name="Sam")
        reviews.append(review)
    product_rating_refresh(product_ids=[product.pk])
    services.reviews_score(reviews=reviews)
    summary = services.product_sentiment_refresh(product_id=product.pk)
    assert summary.liked, "demo-like reviews name liked aspects"

    page = browser_page
    page.goto(f"{live_server.url}/p/{product.slug}/")
    section = page.locator("#sentiment-summary")
    section.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".rating-summary").screenshot(path=str(SCREENSHOTS / "sentiment-summary.png"))
    page.screenshot(path=str(SCREENSHOTS / "sentiment-product.png"), full_page=True)

    first = summary.liked[0]
    page.locator("#aspects-liked a").first.click()
    page.wait_for_url(f"**/p/{product.slug}/?aspect=*")
    shown = page.locator(".review-list article").count()
    assert shown == min(len(first["review_ids"]), 10)
    assert page.locator("#sentiment-filter").inner_text().startswith(f"Showing {len(first['review_ids'])} review")
