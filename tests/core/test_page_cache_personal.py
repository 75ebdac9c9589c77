"""Signed-in shoppers get the cached catalog pages with their own parts punched in (core.page_cache):
two shoppers share the cached page, and neither ever sees the other's cart, account, wishlist,
reviews, votes or messages; CSRF tokens stay per session; catalog changes appear in time."""

import re
import time
from decimal import Decimal

import pytest
from django.test import Client

from shop.services import product_denormalised_refresh, review_vote_helpful
from tests.factories import (
    CartFactory,
    CartLineFactory,
    ReviewFactory,
    UserFactory,
    VariantFactory,
    WishlistItemFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def product():
    variant = VariantFactory(product__name="Trail Kettle", price=Decimal("30.00"), stock_quantity=10)
    product_denormalised_refresh(product_ids=[variant.product_id])
    return variant.product


def _shopper(**user_fields) -> tuple[Client, object]:
    user = UserFactory(**user_fields)
    client = Client()
    client.force_login(user)
    return client, user


def _cart_count(html: str) -> str:
    return re.search(r'id="cart-count">(\d+)<', html).group(1)


def test_two_shoppers_share_the_cached_page_and_each_sees_only_their_own_header(product):
    ann, ann_user = _shopper(username="ann")
    bob, _ = _shopper(username="bob")
    CartLineFactory(cart=CartFactory(user=ann_user, session_key=None), variant=product.variants.get(), quantity=3)

    for url in ("/", product.category.get_absolute_url(), "/search/?q=kettle", product.get_absolute_url()):
        first = ann.get(url).content.decode()
        second = bob.get(url)
        anonymous = Client().get(url).content.decode()

        assert second["X-Page-Cache"] == "hit"
        assert _cart_count(first) == "3"
        assert _cart_count(second.content.decode()) == "0"
        assert 'data-testid="account-menu"' in first
        assert 'data-testid="account-menu"' in second.content.decode()
        assert 'data-testid="account-menu"' not in anonymous
        assert _cart_count(anonymous) == "0"


def test_wishlist_own_review_and_helpful_votes_are_each_shoppers_own(product):
    ann, ann_user = _shopper(username="ann")
    bob, bob_user = _shopper(username="bob")
    WishlistItemFactory(user=ann_user, product=product)
    anns_review = ReviewFactory(product=product, user=ann_user, title="Boils fast")
    review_vote_helpful(review=anns_review, user=bob_user)

    ann_page = ann.get(product.get_absolute_url()).content.decode()
    bob_page = bob.get(product.get_absolute_url())
    bob_html = bob_page.content.decode()

    assert bob_page["X-Page-Cache"] == "hit"
    assert "In your wishlist" in ann_page
    assert "Edit your review" in ann_page
    assert "Your review · Helpful (1)" in ann_page
    assert "You found this helpful" not in ann_page
    assert "Add to wishlist" in bob_html
    assert "In your wishlist" not in bob_html
    assert "Edit your review" not in bob_html
    assert "Your review ·" not in bob_html
    assert "You found this helpful · Helpful (1)" in bob_html


def test_a_flash_message_is_shown_once_and_only_to_its_shopper(product):
    ann, _ = _shopper(username="ann")
    bob, _ = _shopper(username="bob")
    bob.get(product.get_absolute_url())  # the page is cached before Ann's message

    ann.post(f"/wishlist/{product.slug}/add/", {"next": product.get_absolute_url()})
    anns_next_page = ann.get(product.get_absolute_url())
    bobs_page = bob.get(product.get_absolute_url())

    assert anns_next_page["X-Page-Cache"] == "hit"
    assert "Saved to your wishlist: Trail Kettle." in anns_next_page.content.decode()
    assert "Saved to your wishlist" not in bobs_page.content.decode()
    assert "Saved to your wishlist" not in ann.get(product.get_absolute_url()).content.decode()


def test_forms_on_a_cached_page_carry_a_token_valid_for_the_shoppers_own_session(product):
    Client().get(product.get_absolute_url())  # cached by an anonymous visitor
    user = UserFactory()
    ann = Client(enforce_csrf_checks=True)
    ann.force_login(user)

    page = ann.get(product.get_absolute_url())
    html = page.content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    posted = ann.post(
        f"/wishlist/{product.slug}/add/", {"csrfmiddlewaretoken": tokens.pop(), "next": product.get_absolute_url()}
    )
    stranger = Client(enforce_csrf_checks=True)
    stranger.force_login(UserFactory())
    stranger.get("/")  # a session and CSRF cookie of their own
    replayed = stranger.post(f"/wishlist/{product.slug}/add/", {"csrfmiddlewaretoken": re.findall(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[0]})  # fmt: skip

    assert page["X-Page-Cache"] == "hit"
    assert "__csrf_token__" not in html
    assert posted.status_code == 302
    assert user.wishlist_items.filter(product=product).exists()
    assert replayed.status_code == 403


def test_a_price_change_appears_at_once_for_every_shopper(product):
    ann, _ = _shopper(username="ann")
    bob, _ = _shopper(username="bob")
    ann.get(product.get_absolute_url())
    variant = product.variants.get()
    variant.price = Decimal("25.00")
    variant.save()

    product_denormalised_refresh(product_ids=[product.pk])
    pages = [shopper.get(product.get_absolute_url()).content.decode() for shopper in (ann, bob)]

    assert all("25.00" in html and "30.00" not in html for html in pages)


def test_a_stock_count_that_goes_down_appears_within_the_cache_lifetime(product, settings):
    settings.PAGE_CACHE_SECONDS = 1
    ann, _ = _shopper()
    ann.get(product.get_absolute_url())
    product.variants.update(stock_quantity=2)  # no catalog write: the page stays as cached until it expires

    stale = ann.get(product.get_absolute_url())
    time.sleep(1.1)
    fresh = ann.get(product.get_absolute_url())

    assert stale["X-Page-Cache"] == "hit"
    assert "Only 2 left" not in stale.content.decode()
    assert "X-Page-Cache" not in fresh
    assert "Only 2 left" in fresh.content.decode()


@pytest.mark.parametrize(("page", "most"), [("home", 2), ("category", 2), ("search", 2), ("product", 3)])
def test_a_signed_in_cache_hit_runs_a_small_flat_number_of_queries(product, page, most, django_assert_max_num_queries):
    for n in range(12):
        ReviewFactory(product=product, title=f"Review {n}")
    urls = {
        "home": "/",
        "category": product.category.get_absolute_url(),
        "search": "/search/?q=kettle",
        "product": product.get_absolute_url(),
    }
    ann, _ = _shopper()
    ann.get(urls[page])

    with django_assert_max_num_queries(most):  # the user, the cart count and, on a product, the viewer state
        response = ann.get(urls[page])

    assert response["X-Page-Cache"] == "hit"
