"""In a real Chromium: a verified buyer signs in from the product page, writes a review, sees it listed,
and saves the product to the wishlist.

Screenshots of every step go to /tmp/storefront-browser/ (outside the repository) for a human look.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from orders.models import Order
from shop.models import Review
from tests.factories import OrderLineFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/storefront-browser")
PASSWORD = "correct-horse-battery"  # UserFactory's


def snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_verified_buyer_signs_in_writes_a_review_and_sees_it_listed(browser_page, live_server, make_product):
    # given: a product with one earlier review, and a customer who bought it
    product = make_product(name="Trail Runner", slug="trail-runner", price="89.90", ratings=(4,))
    buyer = UserFactory(username="ana", email="ana@example.com", first_name="Ana", last_name="Pérez")
    OrderLineFactory(order__user=buyer, order__status=Order.Status.DELIVERED, variant=product.variants.first())
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # when: the visitor follows "Sign in" in the reviews section and signs in
    page.goto(f"{live_server.url}/p/trail-runner/")
    reviews = page.locator("#reviews")
    expect(reviews).to_contain_text("Only customers who bought this can review it.")
    snap(page, "reviews-01-anonymous")
    reviews.get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/account/login/\?next="))
    page.get_by_label("Email or username").fill("ana@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # then: the review form, ready for a first review
    expect(page).to_have_url(f"{live_server.url}/p/trail-runner/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a review")
    snap(page, "reviews-02-form")

    # when: the form is sent without a title, then corrected
    page.get_by_label("5 stars").check()
    page.get_by_label("Your review").fill("Held on <b>wet</b> rocks.\nComfortable from the first run.")
    page.get_by_role("button", name="Publish review").click()
    expect(page.locator("#title-errors")).to_have_text("This field is required.")
    expect(page.get_by_label("Your review")).to_have_value("Held on <b>wet</b> rocks.\nComfortable from the first run.")
    page.get_by_label("Title").fill("Great grip <script>alert(1)</script>")
    page.get_by_role("button", name="Publish review").click()

    # then: back on the product page, the review is listed first, as typed, and the average follows
    expect(page).to_have_url(re.compile(r"/p/trail-runner/#review-\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Thank you! Your review is published.")
    first = page.locator(".review").first
    expect(first.locator(".review-title")).to_have_text("Great grip <script>alert(1)</script>")
    expect(first.locator(".review-body")).to_contain_text("Held on <b>wet</b> rocks.")
    expect(first.locator(".review-meta")).to_contain_text("Ana P.")
    expect(first).to_contain_text("Your review · Helpful (0)")
    expect(page.locator(".rating-total")).to_have_text("2 reviews")
    expect(page.locator(".rating-average-value")).to_have_text("4.5")
    expect(page.locator("#review-link")).to_have_text("Edit your review")
    snap(page, "reviews-03-listed")

    # when: the buyer saves the product to the wishlist and opens it
    page.get_by_role("button", name="Add to wishlist").click()
    expect(page.locator("#wishlist-button")).to_contain_text("In your wishlist")
    page.get_by_role("link", name="View wishlist").click()
    expect(page.locator(".wishlist-item .product-card-title")).to_have_text(["Trail Runner"])
    snap(page, "reviews-04-wishlist")

    # then: one review written, no script ever ran
    review = Review.objects.get(user=buyer)
    assert (review.rating, review.title) == (5, "Great grip <script>alert(1)</script>")
    assert errors == []
