"""Verified-buyer reviews and helpful votes: services, the product page and review form, and the API."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from events.models import Interaction
from events.services import interactions_flush
from orders.models import Order
from shop import services
from shop.models import Product, Review, ReviewVote
from tests.factories import OrderLineFactory, ReviewFactory, UserFactory
from tests.shop.test_pages import PRODUCT_QUERIES

pytestmark = pytest.mark.django_db

# A signed-in visitor costs the user row, the cart count and the viewer state (verified buyer, own
# review, wishlist) on top of the anonymous budget; the session comes from the cache (cached_db).
PRODUCT_QUERIES_SIGNED_IN = PRODUCT_QUERIES + 3
HOSTILE_TITLE = "<script>alert('t')</script>"
HOSTILE_BODY = '<img src=x onerror="alert(1)"> & <b>bold</b>'


@pytest.fixture
def product(make_product):
    """Trail Runner with two anonymous published reviews (5 and 4 stars: average 4.50)."""
    return make_product(name="Trail Runner", slug="trail-runner", price="89.90", ratings=(5, 4))


def buyer_of(product: Product, *, status: str = Order.Status.PAID, **user_fields):
    """A customer with an order line of the product's first variant, the order in `status`."""
    user = UserFactory(**user_fields)
    OrderLineFactory(order__user=user, order__status=status, variant=product.variants.first())
    return user


def rating_of(product: Product) -> tuple[Decimal, int]:
    product.refresh_from_db()
    return product.rating_avg, product.rating_count


def signed_in(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def error(response) -> dict:
    return response.json()["error"]


def login_url(next_url: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?next={quote(next_url)}"


# --- Services: who may review ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED, Order.Status.PARTIALLY_REFUNDED]
)
def test_buyer_of_a_paid_order_reviews_and_the_rating_follows(product, status):
    # given
    user = buyer_of(product, status=status, first_name="Ana", last_name="Pérez")

    # when
    review = services.review_create(user=user, product=product, rating=3, title=" Solid ", body="Good shoe.\n")

    # then
    review.refresh_from_db()
    assert (review.user, review.product, review.status) == (user, product, Review.Status.PUBLISHED)
    assert (review.author_name, review.rating, review.title, review.body) == ("Ana P.", 3, "Solid", "Good shoe.")
    assert review.updated_at is None
    assert rating_of(product) == (Decimal("4.00"), 3)


@pytest.mark.parametrize(
    "status", [Order.Status.CANCELLED, Order.Status.PENDING_PAYMENT, Order.Status.REFUNDED], ids=str
)
def test_buyer_of_an_unpaid_cancelled_or_refunded_order_cannot_review(product, status):
    # given
    user = buyer_of(product, status=status)

    # when
    with pytest.raises(PermissionDeniedError) as raised:
        services.review_create(user=user, product=product, rating=1, title="Hm", body="Never arrived.")

    # then
    assert raised.value.code == "not_verified_buyer"
    assert not Review.objects.filter(user=user).exists()
    assert rating_of(product) == (Decimal("4.50"), 2)


def test_customer_who_bought_something_else_cannot_review(product, make_product):
    # given
    user = buyer_of(make_product(name="Other"))

    # when
    with pytest.raises(PermissionDeniedError):
        services.review_create(user=user, product=product, rating=5, title="Hm", body="Looks nice.")

    # then
    assert not Review.objects.filter(user=user).exists()


def test_one_review_per_customer_and_product(product):
    # given
    user = buyer_of(product)
    services.review_create(user=user, product=product, rating=5, title="First", body="Love it.")

    # when
    with pytest.raises(ApplicationError) as raised:
        services.review_create(user=user, product=product, rating=1, title="Second", body="Changed my mind.")

    # then
    assert raised.value.code == "already_reviewed"
    assert list(Review.objects.filter(user=user).values_list("title", flat=True)) == ["First"]
    assert rating_of(product) == (Decimal("4.67"), 3)


@pytest.mark.parametrize(
    ("first_name", "last_name", "expected"),
    [("Ana", "Pérez", "Ana P."), ("Ana", "", "Ana"), ("", "Pérez", "shopper7"), ("", "", "shopper7")],
)
def test_author_name_is_first_name_and_last_initial_else_username(product, first_name, last_name, expected):
    user = buyer_of(product, username="shopper7", first_name=first_name, last_name=last_name)

    review = services.review_create(user=user, product=product, rating=5, title="Yes", body="Yes.")

    assert review.author_name == expected


BAD_FIELDS = [
    ({"rating": 0}, {"rating": ["Choose a rating from 1 to 5 stars."]}),
    ({"rating": 6}, {"rating": ["Choose a rating from 1 to 5 stars."]}),
    ({"rating": True}, {"rating": ["Choose a rating from 1 to 5 stars."]}),
    ({"rating": "5"}, {"rating": ["Choose a rating from 1 to 5 stars."]}),
    ({"title": "   "}, {"title": ["This field is required."]}),
    ({"title": "x" * 121}, {"title": ["Ensure this field has no more than 120 characters (it has 121)."]}),
    ({"body": ""}, {"body": ["This field is required."]}),
    ({"body": "x" * 5001}, {"body": ["Ensure this field has no more than 5000 characters (it has 5001)."]}),
    ({"body": "a\x00b"}, {"body": ["Null characters are not allowed."]}),
]


@pytest.mark.parametrize(("bad", "details"), BAD_FIELDS)
def test_review_with_bad_fields_is_refused_and_nothing_is_written(product, bad, details):
    # given
    user = buyer_of(product)

    # when
    with pytest.raises(ApplicationError) as raised:
        services.review_create(user=user, product=product, **{"rating": 4, "title": "T", "body": "B", **bad})

    # then
    assert (raised.value.code, raised.value.details) == ("invalid", details)
    assert not Review.objects.filter(user=user).exists()
    assert rating_of(product) == (Decimal("4.50"), 2)


def test_title_and_body_of_maximal_length_are_accepted(product):
    user = buyer_of(product)

    review = services.review_create(user=user, product=product, rating=4, title="t" * 120, body="b" * 5000)

    assert (len(review.title), len(review.body)) == (120, 5000)


# --- Services: editing, moderation, votes ---------------------------------------------------------


def test_author_edits_the_review_and_the_rating_is_recomputed(product):
    # given
    user = buyer_of(product)
    review = services.review_create(user=user, product=product, rating=3, title="Okay", body="Fine.")

    # when
    services.review_update(review=review, user=user, rating=1, body="Fell apart after a week.")

    # then
    review.refresh_from_db()
    assert (review.rating, review.title, review.body) == (1, "Okay", "Fell apart after a week.")
    assert review.updated_at is not None
    assert rating_of(product) == (Decimal("3.33"), 3)  # (5 + 4 + 1) / 3


def test_nobody_but_the_author_can_edit_a_review(product):
    # given
    author = buyer_of(product)
    review = services.review_create(user=author, product=product, rating=5, title="Mine", body="Mine.")
    other = buyer_of(product)

    # when
    with pytest.raises(NotFoundError) as raised:
        services.review_update(review=review, user=other, rating=1, title="Hacked")

    # then
    assert raised.value.code == "review_not_found"
    review.refresh_from_db()
    assert (review.rating, review.title, review.updated_at) == (5, "Mine", None)
    assert rating_of(product) == (Decimal("4.67"), 3)


def test_anonymous_reviews_of_the_demo_data_cannot_be_edited_by_anyone(product):
    review = product.reviews.first()

    with pytest.raises(NotFoundError):
        services.review_update(review=review, user=UserFactory(), rating=1)


def test_editing_a_hidden_review_keeps_it_hidden_and_out_of_the_rating(product):
    # given
    user = buyer_of(product)
    review = services.review_create(user=user, product=product, rating=1, title="Bad", body="Bad.")
    services.review_status_set(review_ids=[review.pk], status=Review.Status.HIDDEN)

    # when
    services.review_update(review=review, user=user, rating=2, title="Still bad")

    # then
    review.refresh_from_db()
    assert (review.status, review.rating) == (Review.Status.HIDDEN, 2)
    assert rating_of(product) == (Decimal("4.50"), 2)


def test_helpful_votes_count_once_per_customer(product):
    # given
    review = product.reviews.first()
    first, second = UserFactory(), UserFactory()

    # when
    services.review_vote_helpful(review=review, user=first)
    services.review_vote_helpful(review=review, user=first)
    voted = services.review_vote_helpful(review=review, user=second)

    # then
    assert voted.helpful_count == 2
    review.refresh_from_db()
    assert review.helpful_count == 2
    assert sorted(ReviewVote.objects.filter(review=review).values_list("user_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


def test_nobody_votes_on_their_own_review(product):
    # given
    user = buyer_of(product)
    review = services.review_create(user=user, product=product, rating=5, title="Mine", body="Mine.")

    # when
    with pytest.raises(ApplicationError) as raised:
        services.review_vote_helpful(review=review, user=user)

    # then
    assert raised.value.code == "own_review"
    review.refresh_from_db()
    assert review.helpful_count == 0
    assert not ReviewVote.objects.exists()


def test_hidden_reviews_cannot_be_voted(product):
    review = ReviewFactory(product=product, status=Review.Status.HIDDEN)

    with pytest.raises(NotFoundError):
        services.review_vote_helpful(review=review, user=UserFactory())

    assert not ReviewVote.objects.exists()


def test_writing_a_review_is_recorded_as_an_interaction_after_commit(product, django_capture_on_commit_callbacks):
    # given
    user = buyer_of(product)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.review_create(user=user, product=product, rating=5, title="Yes", body="Yes.")
    interactions_flush()

    # then
    assert list(Interaction.objects.values_list("kind", "user_id", "product_id", "source")) == [
        (Interaction.Kind.REVIEW, user.pk, product.pk, Interaction.Source.WEB)
    ]


# --- Product page -----------------------------------------------------------------------------------


def review_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="review-title">(.*?)</h3>', html)


def test_anonymous_visitors_are_told_who_can_review(client, product):
    html = client.get("/p/trail-runner/").content.decode()

    assert "Only customers who bought this can review it." in html
    assert '<a href="/p/trail-runner/review/">Sign in</a> if you did.' in html
    assert "Write a review" not in html


def test_signed_in_non_buyer_cannot_write_a_review(client, product):
    client.force_login(UserFactory())

    html = client.get("/p/trail-runner/").content.decode()

    assert "Only customers who bought this can review it." in html
    assert "Write a review" not in html
    assert "Sign in" not in html.split('id="reviews"')[1]


def test_verified_buyer_is_offered_to_write_then_to_edit(client, product):
    # given
    user = buyer_of(product)
    client.force_login(user)

    # when
    before = client.get("/p/trail-runner/").content.decode()
    services.review_create(user=user, product=product, rating=4, title="Mine", body="Mine.")
    after = client.get("/p/trail-runner/").content.decode()

    # then
    link = 'href="/p/trail-runner/review/" id="review-link"'
    assert f'<a class="button button-primary button-small" {link}>Write a review</a>' in before
    assert f'<a class="button button-small" {link}>Edit your review</a>' in after
    assert "Only customers who bought" not in before + after


def test_review_form_needs_a_signed_in_customer(client, product):
    response = client.get("/p/trail-runner/review/")

    assert response.status_code == 302
    assert response["Location"] == login_url("/p/trail-runner/review/")


def test_review_form_refuses_non_buyers_and_writes_nothing(client, product):
    # given
    client.force_login(buyer_of(product, status=Order.Status.CANCELLED))

    # when
    shown = client.get("/p/trail-runner/review/")
    posted = client.post("/p/trail-runner/review/", {"rating": "5", "title": "T", "body": "B"})

    # then
    assert (shown.status_code, posted.status_code) == (403, 403)
    assert "Only customers who bought this can review it." in posted.content.decode()
    assert Review.objects.count() == 2


def test_buyer_writes_a_review_with_the_form_and_sees_it_escaped_on_the_page(client, product):
    # given
    client.force_login(buyer_of(product, first_name="Ana", last_name="Pérez"))

    # when
    response = client.post("/p/trail-runner/review/", {"rating": "2", "title": HOSTILE_TITLE, "body": HOSTILE_BODY})

    # then
    review = Review.objects.get(title=HOSTILE_TITLE)
    assert (review.body, review.rating, review.author_name) == (HOSTILE_BODY, 2, "Ana P.")
    assert response.status_code == 302
    assert response["Location"] == f"/p/trail-runner/#review-{review.pk}"
    html = client.get("/p/trail-runner/").content.decode()
    assert HOSTILE_TITLE not in html
    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html
    assert '<h3 class="review-title">&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;</h3>' in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "Thank you! Your review is published." in html
    assert rating_of(product) == (Decimal("3.67"), 3)


def test_review_form_shows_field_errors_and_writes_nothing(client, product):
    # given
    client.force_login(buyer_of(product))

    # when
    response = client.post("/p/trail-runner/review/", {"rating": "6", "title": "", "body": "x" * 5001})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice. 6 is not one of the available choices." in html
    assert '<p class="field-error" id="title-errors">This field is required.</p>' in html
    assert "Ensure this value has at most 5000 characters (it has 5001)." in html
    assert Review.objects.count() == 2


def test_author_edits_the_review_with_the_prefilled_form(client, product):
    # given
    user = buyer_of(product)
    review = services.review_create(user=user, product=product, rating=5, title="Great", body="Loved it.")
    client.force_login(user)

    # when
    form = client.get("/p/trail-runner/review/").content.decode()
    response = client.post("/p/trail-runner/review/", {"rating": "3", "title": "Okay after all", "body": "Meh."})

    # then
    assert 'value="Great"' in form
    assert ">Loved it.</textarea>" in form
    assert '<input type="radio" name="rating" value="5" id="id_rating_0" required checked>' in form
    assert response["Location"] == f"/p/trail-runner/#review-{review.pk}"
    review.refresh_from_db()
    assert (review.rating, review.title, review.body) == (3, "Okay after all", "Meh.")
    assert Review.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("url", ["/p/trail-runner/", "/p/trail-runner/review/", "/wishlist/"])
def test_review_and_wishlist_pages_have_no_inline_script_or_style(client, product, url):
    """As tests/shop/test_pages.py checks for the other pages: the site runs under a strict CSP."""
    user = buyer_of(product)
    services.review_create(user=user, product=product, rating=5, title="Mine", body="Mine.")
    services.wishlist_add(user=user, product=product)
    client.force_login(user)

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all(" src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert not re.search(r"\sstyle=|\son[a-z]+=", html)


def test_helpful_button_counts_a_vote_and_returns_to_the_page(client, product):
    # given
    review = product.reviews.get(rating=5)
    client.force_login(UserFactory())

    # when
    response = client.post(f"/reviews/{review.pk}/helpful/", {"next": "/p/trail-runner/?sort=helpful"})
    again = client.post(f"/reviews/{review.pk}/helpful/", {"next": "/p/trail-runner/?sort=helpful"})

    # then
    assert (response.status_code, response["Location"]) == (302, "/p/trail-runner/?sort=helpful")
    assert again.status_code == 302
    review.refresh_from_db()
    assert review.helpful_count == 1
    html = client.get("/p/trail-runner/").content.decode()
    assert "You found this helpful · Helpful (1)" in html
    assert html.count(">Helpful (0)</button>") == 1


def test_helpful_button_sends_anonymous_visitors_to_sign_in(client, product):
    review = product.reviews.first()

    response = client.post(f"/reviews/{review.pk}/helpful/", {"next": "https://evil.example/"})

    assert response["Location"] == login_url(f"/p/trail-runner/#review-{review.pk}")
    assert not ReviewVote.objects.exists()


def test_helpful_button_of_hidden_or_unknown_reviews_is_404(client, product):
    hidden = ReviewFactory(product=product, status=Review.Status.HIDDEN)
    client.force_login(UserFactory())

    responses = [client.post(f"/reviews/{pk}/helpful/") for pk in (hidden.pk, 10**23)]

    assert [response.status_code for response in responses] == [404, 404]
    assert not ReviewVote.objects.exists()


def test_own_review_shows_no_helpful_button(client, product):
    user = buyer_of(product)
    services.review_create(user=user, product=product, rating=5, title="Mine", body="Mine.")
    client.force_login(user)

    html = client.get("/p/trail-runner/").content.decode()

    assert "Your review · Helpful (0)" in html
    assert html.count(">Helpful (0)</button>") == 2  # the two others' reviews only


@pytest.fixture
def many_reviews(make_product):
    """Twelve reviews: ratings cycle 5, 4, 3, 2; review n is n days old and has n helpful votes."""
    product = make_product(name="Desk Lamp", slug="desk-lamp")
    now = datetime(2026, 6, 1, tzinfo=UTC)
    for n in range(12):
        ReviewFactory(
            product=product,
            user=None,
            author_name="Guest",
            title=f"Review {n}",
            rating=5 - n % 4,
            helpful_count=n,
            created_at=now - timedelta(days=n),
        )
    services.product_rating_refresh(product_ids=[product.pk])
    return product


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({}, [f"Review {n}" for n in range(10)]),
        ({"page": "2"}, ["Review 10", "Review 11"]),
        ({"page": "99"}, ["Review 10", "Review 11"]),
        ({"sort": "helpful"}, [f"Review {n}" for n in range(11, 1, -1)]),
        ({"sort": "lowest", "page": "2"}, ["Review 4", "Review 8"]),
        ({"sort": "highest", "rating": "4"}, ["Review 1", "Review 5", "Review 9"]),
        ({"rating": "1"}, []),
        ({"sort": "bogus", "rating": "9", "page": "x"}, [f"Review {n}" for n in range(10)]),
    ],
)
def test_product_page_sorts_filters_and_pages_reviews(client, many_reviews, params, titles):
    html = client.get("/p/desk-lamp/", params).content.decode()

    assert review_titles(html) == titles


def test_review_pages_link_to_each_other_keeping_the_options(client, many_reviews):
    first = client.get("/p/desk-lamp/", {"sort": "helpful"}).content.decode()
    second = client.get("/p/desk-lamp/", {"sort": "helpful", "page": "2"}).content.decode()

    assert 'href="?sort=helpful&amp;page=2#reviews" rel="next"' in first
    assert 'rel="prev"' not in first
    assert 'href="?sort=helpful&amp;page=1#reviews" rel="prev"' in second
    assert "<span>Page 2 of 2</span>" in second


def test_product_page_queries_stay_bounded_for_a_signed_in_buyer(client, many_reviews, django_assert_max_num_queries):
    # given
    user = buyer_of(many_reviews)
    services.review_create(user=user, product=many_reviews, rating=5, title="Mine", body="Mine.")
    for review in many_reviews.reviews.exclude(user=user).order_by("-helpful_count")[:5]:
        services.review_vote_helpful(review=review, user=user)
    client.force_login(user)

    # when
    with django_assert_max_num_queries(PRODUCT_QUERIES_SIGNED_IN):
        response = client.get("/p/desk-lamp/", {"sort": "helpful"})

    # then
    html = response.content.decode()
    assert len(review_titles(html)) == 10
    assert html.count("You found this helpful") == 5


# --- API ----------------------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    """A datetime as DRF writes it: ISO 8601 in the shop's time zone, with UTC offsets as "Z"."""
    return timezone.localtime(value).isoformat().replace("+00:00", "Z") if value else None


def own_review_json(review: Review) -> dict:
    return {
        "id": review.pk,
        "author_name": review.author_name,
        "rating": review.rating,
        "title": review.title,
        "body": review.body,
        "created_at": iso(review.created_at),
        "helpful_count": review.helpful_count,
        "sentiment": None,  # scored after the commit (sentiment app); these tests never commit
        "product": review.product.slug,
        "status": review.status,
        "updated_at": iso(review.updated_at),
    }


def test_api_verified_buyer_creates_a_review_returned_as_plain_text(product):
    # given
    user = buyer_of(product, first_name="Ana", last_name="Pérez")

    # when
    response = signed_in(user).post(
        "/api/v1/products/trail-runner/reviews/",
        {"rating": 1, "title": HOSTILE_TITLE, "body": HOSTILE_BODY},
        format="json",
    )

    # then
    review = Review.objects.get(user=user)
    assert response.status_code == 201
    assert response.json() == own_review_json(review)
    assert (response.json()["title"], response.json()["body"]) == (HOSTILE_TITLE, HOSTILE_BODY)
    listed = APIClient().get("/api/v1/products/trail-runner/reviews/").json()["results"][0]
    assert (listed["title"], listed["body"], listed["author_name"]) == (HOSTILE_TITLE, HOSTILE_BODY, "Ana P.")
    assert rating_of(product) == (Decimal("3.33"), 3)


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("non-buyer", 403, "not_verified_buyer"),
        ("cancelled-order buyer", 403, "not_verified_buyer"),
    ],
)
def test_api_refuses_reviews_from_anyone_but_verified_buyers(product, who, status, code):
    # given
    api = {
        "anonymous": APIClient(),
        "non-buyer": signed_in(UserFactory()),
        "cancelled-order buyer": signed_in(buyer_of(product, status=Order.Status.CANCELLED)),
    }[who]

    # when
    response = api.post(
        "/api/v1/products/trail-runner/reviews/", {"rating": 5, "title": "T", "body": "B"}, format="json"
    )

    # then
    assert (response.status_code, error(response)["code"]) == (status, code)
    assert Review.objects.count() == 2


def test_api_second_review_of_the_same_product_is_refused(product):
    # given
    api = signed_in(buyer_of(product))
    api.post("/api/v1/products/trail-runner/reviews/", {"rating": 5, "title": "A", "body": "A"}, format="json")

    # when
    response = api.post(
        "/api/v1/products/trail-runner/reviews/", {"rating": 1, "title": "B", "body": "B"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert error(response) == {
        "code": "already_reviewed",
        "message": "You have already reviewed this product; edit your review instead.",
        "details": {},
    }
    assert Review.objects.count() == 3


def test_api_unknown_or_inactive_product_is_404(product):
    api = signed_in(buyer_of(product))
    Product.objects.filter(pk=product.pk).update(is_active=False)

    response = api.post(
        "/api/v1/products/trail-runner/reviews/", {"rating": 5, "title": "T", "body": "B"}, format="json"
    )

    assert (response.status_code, error(response)["code"]) == (404, "product_not_found")
    assert Review.objects.count() == 2


def test_api_author_patches_own_review(product):
    # given
    user = buyer_of(product)
    review = services.review_create(user=user, product=product, rating=5, title="Great", body="Loved it.")

    # when
    response = signed_in(user).patch(f"/api/v1/reviews/{review.pk}/", {"rating": 2}, format="json")

    # then
    review.refresh_from_db()
    assert response.status_code == 200
    assert response.json() == own_review_json(review)
    assert (review.rating, review.title) == (2, "Great")
    assert rating_of(product) == (Decimal("3.67"), 3)


def test_api_another_customers_review_is_404_and_unchanged(product):
    # given
    author = buyer_of(product)
    review = services.review_create(user=author, product=product, rating=5, title="Mine", body="Mine.")
    intruder = signed_in(buyer_of(product))

    # when
    patched = intruder.patch(f"/api/v1/reviews/{review.pk}/", {"title": "Hacked"}, format="json")
    anonymous = APIClient().patch(f"/api/v1/reviews/{review.pk}/", {"title": "Hacked"}, format="json")

    # then
    assert (patched.status_code, error(patched)["code"]) == (404, "review_not_found")
    assert (anonymous.status_code, error(anonymous)["code"]) == (401, "not_authenticated")
    review.refresh_from_db()
    assert (review.title, review.updated_at) == ("Mine", None)


def test_api_helpful_vote_is_idempotent_and_not_on_own_review(product):
    # given
    others = product.reviews.get(rating=5)
    user = buyer_of(product)
    own = services.review_create(user=user, product=product, rating=5, title="Mine", body="Mine.")
    api = signed_in(user)

    # when
    first = api.post(f"/api/v1/reviews/{others.pk}/helpful/")
    second = api.post(f"/api/v1/reviews/{others.pk}/helpful/")
    on_own = api.post(f"/api/v1/reviews/{own.pk}/helpful/")

    # then
    assert (first.status_code, first.json()) == (200, {"id": others.pk, "helpful_count": 1})
    assert (second.status_code, second.json()) == (200, {"id": others.pk, "helpful_count": 1})
    assert (on_own.status_code, error(on_own)["code"]) == (400, "own_review")
    assert ReviewVote.objects.count() == 1


def test_api_hidden_and_unknown_reviews_are_404(product):
    hidden = ReviewFactory(product=product, status=Review.Status.HIDDEN)
    api = signed_in(UserFactory())

    responses = [
        api.post(f"/api/v1/reviews/{hidden.pk}/helpful/"),
        api.post("/api/v1/reviews/999999/helpful/"),
        api.patch("/api/v1/reviews/99999999999999999999999/", {"rating": 1}, format="json"),
        api.patch("/api/v1/reviews/abc/", {"rating": 1}, format="json"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    assert not ReviewVote.objects.exists()


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"sort": "helpful"}, [f"Review {n}" for n in range(11, 8, -1)]),
        ({"sort": "lowest", "rating": "2"}, ["Review 3", "Review 7", "Review 11"]),
    ],
)
def test_api_review_list_sorts_and_filters(many_reviews, params, titles):
    response = APIClient().get("/api/v1/products/desk-lamp/reviews/", {**params, "page_size": 3})

    assert [review["title"] for review in response.json()["results"]] == titles


@pytest.mark.parametrize(
    ("params", "field"), [({"sort": "best"}, "sort"), ({"rating": "0"}, "rating"), ({"rating": "x"}, "rating")]
)
def test_api_review_list_refuses_bad_options(many_reviews, params, field):
    response = APIClient().get("/api/v1/products/desk-lamp/reviews/", params)

    assert response.status_code == 400
    assert list(error(response)["details"]) == [field]


# Every write endpoint of reviews with bad input: 400 with the offending fields, nothing written.
BAD_REVIEW_REQUESTS = [
    ("post", {"rating": 0, "title": "T", "body": "B"}, ["rating"]),
    ("post", {"rating": 6, "title": "T", "body": "B"}, ["rating"]),
    ("post", {"rating": 4.5, "title": "T", "body": "B"}, ["rating"]),
    ("post", {"rating": "five", "title": "T", "body": "B"}, ["rating"]),
    ("post", {"rating": True, "title": "T", "body": "B"}, ["rating"]),
    ("post", {"rating": None, "title": "T", "body": "B"}, ["rating"]),
    ("post", {"rating": 10**30, "title": "T", "body": "B"}, ["rating"]),
    ("post", {"title": "T", "body": "B"}, ["rating"]),
    ("post", {"rating": 5, "title": "", "body": "B"}, ["title"]),
    ("post", {"rating": 5, "title": "   ", "body": "B"}, ["title"]),
    ("post", {"rating": 5, "title": "x" * 121, "body": "B"}, ["title"]),
    ("post", {"rating": 5, "title": ["T"], "body": "B"}, ["title"]),
    ("post", {"rating": 5, "title": "T", "body": "x" * 5001}, ["body"]),
    ("post", {"rating": 5, "title": "T", "body": "a\x00b"}, ["body"]),
    ("post", {"rating": 5, "title": "T", "body": {"html": "<b>"}}, ["body"]),
    ("post", {"rating": 5, "title": "T", "body": "B", "status": "published"}, ["status"]),
    ("post", {}, ["rating", "title", "body"]),
    ("post", [1, 2], ["non_field_errors"]),
    ("patch", {"rating": 9}, ["rating"]),
    ("patch", {"title": ""}, ["title"]),
    ("patch", {"body": "x" * 5001}, ["body"]),
    ("patch", {"ratng": 1}, ["ratng"]),
    ("patch", {"helpful_count": 1000}, ["helpful_count"]),
    ("patch", "just text", ["non_field_errors"]),
]


@pytest.mark.parametrize(("method", "payload", "fields"), BAD_REVIEW_REQUESTS)
def test_api_bad_review_input_is_400_with_field_errors_and_writes_nothing(product, method, payload, fields):
    # given
    user = buyer_of(product)
    other = buyer_of(product)
    review = services.review_create(user=user, product=product, rating=5, title="Mine", body="Mine.")
    url = f"/api/v1/reviews/{review.pk}/" if method == "patch" else "/api/v1/products/trail-runner/reviews/"
    api = signed_in(user if method == "patch" else other)
    before = list(Review.objects.order_by("pk").values())

    # when
    response = getattr(api, method)(url, payload, format="json")

    # then
    assert response.status_code == 400
    assert (error(response)["code"], sorted(error(response)["details"])) == ("invalid", sorted(fields))
    assert list(Review.objects.order_by("pk").values()) == before
    assert rating_of(product) == (Decimal("4.67"), 3)


@pytest.mark.parametrize("method", ["post", "patch"])
def test_api_malformed_json_is_400_and_writes_nothing(product, method):
    user = buyer_of(product)
    review = services.review_create(user=user, product=product, rating=5, title="Mine", body="Mine.")
    url = f"/api/v1/reviews/{review.pk}/" if method == "patch" else "/api/v1/products/trail-runner/reviews/"
    before = list(Review.objects.order_by("pk").values())

    response = getattr(signed_in(user), method)(url, '{"rating": 5,', content_type="application/json")

    assert (response.status_code, error(response)["code"]) == (400, "parse_error")
    assert list(Review.objects.order_by("pk").values()) == before


def test_api_empty_patch_changes_nothing(product):
    user = buyer_of(product)
    review = services.review_create(user=user, product=product, rating=5, title="Mine", body="Mine.")

    response = signed_in(user).patch(f"/api/v1/reviews/{review.pk}/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["updated_at"] is None


def test_api_review_endpoints_are_documented_with_examples_and_errors():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    expected = {
        ("/api/v1/products/{slug}/reviews/", "get"): {"200", "400", "401", "404", "429"},
        ("/api/v1/products/{slug}/reviews/", "post"): {"201", "400", "401", "403", "404", "429"},
        ("/api/v1/reviews/{id}/", "patch"): {"200", "400", "401", "404", "429"},
        ("/api/v1/reviews/{id}/helpful/", "post"): {"200", "400", "401", "404", "429"},
    }

    for (path, method), statuses in expected.items():
        responses = schema["paths"][path][method]["responses"]
        assert set(responses) == statuses, (path, method)
        for status in statuses:
            assert responses[status]["content"]["application/json"]["examples"], (path, method, status)


# --- Admin ----------------------------------------------------------------------------------------


def test_review_admin_shows_helpful_counts_that_staff_cannot_edit(admin_client, product):
    review = product.reviews.get(rating=5)
    services.review_vote_helpful(review=review, user=UserFactory())

    listed = admin_client.get("/admin/shop/review/").content.decode()
    detail = admin_client.get(f"/admin/shop/review/{review.pk}/change/").content.decode()

    assert '<td class="field-helpful_count">1</td>' in listed
    assert 'name="helpful_count"' not in detail
    assert '<div class="readonly">1</div>' in detail
