"""The product page's sentiment summary and filters, the API's fields and endpoints."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sentiment import services
from sentiment.models import ProductSentiment, ReviewSentiment
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(product):
    rows = [
        (5, "Love it", "Brilliant quality, works perfectly and I am delighted."),
        (4, "Great", "Excellent quality and a great price."),
        (1, "Terrible", "It broke after a day, awful waste of money."),
    ]
    reviews = [
        ReviewFactory(product=product, rating=r, title=t, body=b, user=None, author_name="Sam") for r, t, b in rows
    ]
    services.reviews_score(reviews=reviews)
    services.product_sentiment_counts_refresh(product_ids=[product.pk])
    ProductSentiment.objects.filter(product=product).update(
        liked=[{"phrase": "quality", "mentions": 2, "score": 0.9, "review_ids": [reviews[0].pk, reviews[1].pk]}],
        disliked=[{"phrase": "day", "mentions": 1, "score": -0.9, "review_ids": [reviews[2].pk]}],
    )
    return reviews


def test_the_product_page_shows_shares_and_aspects(client, product, reviewed):
    html = client.get(reverse("shop:product", args=[product.slug])).content.decode()

    assert 'id="sentiment-summary"' in html
    assert 'aria-label="Positive: 67% of reviews"' in html
    assert 'aria-label="Negative: 33% of reviews"' in html
    assert "Neutral:" not in html  # no neutral reviews: no empty bar
    assert '<a class="chip" href="?aspect=quality#reviews">quality <span class="muted">(2)</span></a>' in html
    assert 'href="?aspect=day#reviews">day' in html


def test_filters_show_only_matching_reviews(client, product, reviewed):
    url = reverse("shop:product", args=[product.slug])
    negative = client.get(url, {"sentiment": "negative"}).content.decode()
    assert f'id="review-{reviewed[2].pk}"' in negative
    assert f'id="review-{reviewed[0].pk}"' not in negative
    assert "Showing 1 negative review." in negative

    aspect = client.get(url, {"aspect": "Quality"}).content.decode()
    assert [f'id="review-{r.pk}"' in aspect for r in reviewed] == [True, True, False]
    assert "Showing 2 reviews mentioning “quality”." in aspect


def test_an_unknown_filter_value_shows_every_review(client, product, reviewed):
    html = client.get(reverse("shop:product", args=[product.slug]), {"sentiment": "angry"}).content.decode()
    assert all(f'id="review-{r.pk}"' in html for r in reviewed)
    assert 'id="sentiment-filter"' not in html


def test_the_cached_page_changes_when_the_summary_changes(
    client, product, reviewed, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    url = reverse("shop:product", args=[product.slug])
    assert 'aria-label="Positive: 67% of reviews"' in client.get(url).content.decode()
    # A new model reads the negative review as positive; refreshing the counts must refresh the page.
    ReviewSentiment.objects.filter(review=reviewed[2]).update(label="positive")
    with django_capture_on_commit_callbacks(execute=True):
        services.product_sentiment_counts_refresh(product_ids=[product.pk])
    assert 'aria-label="Positive: 100% of reviews"' in client.get(url).content.decode()


def test_reviews_in_the_api_carry_their_sentiment(product, reviewed):
    response = APIClient().get(f"/api/v1/products/{product.slug}/reviews/", {"sort": "newest"})
    sentiments = {row["id"]: row["sentiment"] for row in response.json()["results"]}
    assert sentiments[reviewed[2].pk]["label"] == "negative"
    assert sentiments[reviewed[2].pk]["model"] == "baseline (VADER)"
    assert set(sentiments[reviewed[0].pk]) == {
        "label",
        "probabilities",
        "score",
        "confidence",
        "source",
        "model",
        "aspects",
    }


def test_the_product_sentiment_endpoint(product, reviewed):
    body = APIClient().get(f"/api/v1/products/{product.pk}/sentiment/").json()
    assert {key: body[key] for key in ("reviews", "positive", "neutral", "negative", "positive_share")} == {
        "reviews": 3, "positive": 2, "neutral": 0, "negative": 1, "positive_share": 67,
    }  # fmt: skip
    assert body["liked"] == [
        {"phrase": "quality", "mentions": 2, "score": 0.9, "review_ids": [reviewed[0].pk, reviewed[1].pk]}
    ]


def test_a_product_without_scored_reviews_has_an_empty_summary(product):
    body = APIClient().get(f"/api/v1/products/{product.pk}/sentiment/").json()
    assert (body["reviews"], body["liked"], body["disliked"], body["positive_share"]) == (0, [], [], 0)
    assert APIClient().get("/api/v1/products/999999/sentiment/").status_code == 404


def test_scoring_text_is_for_staff_only():
    api = APIClient()
    payload = {"text": "Terrible. It broke after a day, awful waste of money."}
    assert api.post("/api/v1/sentiment/score/", payload, format="json").status_code in (401, 403)
    api.force_authenticate(UserFactory())
    assert api.post("/api/v1/sentiment/score/", payload, format="json").status_code == 403

    api.force_authenticate(UserFactory(is_staff=True))
    body = api.post("/api/v1/sentiment/score/", payload, format="json").json()
    assert (body["label"], body["model"], body["confidence"]) == ("negative", "baseline (VADER)", 0.9467)

    blank = api.post("/api/v1/sentiment/score/", {"text": "  "}, format="json")
    assert blank.status_code == 400
    assert blank.json()["error"]["details"] == {"text": ["This field may not be blank."]}
