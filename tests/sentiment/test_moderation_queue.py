"""The moderation queue: which reviews land in it, and what staff actions do."""

import pytest

from sentiment import selectors, services
from sentiment.models import ProductSentiment, ReviewSentiment
from shop.models import Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def review(product, rating, title, body):
    return ReviewFactory(product=product, rating=rating, title=title, body=body, user=None, author_name="Sam")


@pytest.fixture
def scored(product):
    reviews = {
        "angry_five": review(product, 5, "Terrible", "It broke after a day, awful waste of money."),
        "glowing_one": review(product, 1, "Love it", "Brilliant quality, works perfectly and I am delighted."),
        "honest": review(product, 4, "Love it!", "Excellent quality and a great price."),
        "spam": review(product, 5, "Great deal", "Cheap copies at www.example-deals.com"),
        "shouting": review(product, 2, "Disappointed", "POOR QUALITY, BROKE QUICKLY, DO NOT BUY"),
    }
    services.reviews_score(reviews=list(reviews.values()))
    return reviews


def test_the_queue_holds_contradictions_spam_and_shouting_only(scored):
    queued = {row.review_id: row.flags for row in selectors.moderation_queue()}
    assert queued == {
        scored["angry_five"].pk: ["stars_contradiction"],
        scored["glowing_one"].pk: ["stars_contradiction"],
        scored["spam"].pk: ["link"],
        scored["shouting"].pk: ["shouting"],
    }


def test_hiding_takes_reviews_out_of_the_queue_and_the_counts(product, scored):
    services.product_sentiment_counts_refresh(product_ids=[product.pk])
    spam = ReviewSentiment.objects.get(review=scored["spam"])

    changed = services.review_sentiment_moderate(sentiment_ids=[spam.pk], action="hide")

    assert changed == 1
    assert Review.objects.get(pk=scored["spam"].pk).status == Review.Status.HIDDEN
    assert scored["spam"].pk not in {row.review_id for row in selectors.moderation_queue()}
    summary = ProductSentiment.objects.get(product=product)
    assert summary.total == 4


def test_a_cleared_review_stays_out_of_the_queue_when_scored_again(scored):
    row = ReviewSentiment.objects.get(review=scored["glowing_one"])
    services.review_sentiment_moderate(sentiment_ids=[row.pk], action="clear")

    services.reviews_score(reviews=[Review.objects.get(pk=scored["glowing_one"].pk)])

    assert ReviewSentiment.objects.get(pk=row.pk).moderation == "cleared"


def test_an_unknown_action_is_refused(scored):
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.review_sentiment_moderate(sentiment_ids=[], action="delete")


def test_rescoring_touches_only_reviews_scored_by_another_model(scored):
    assert services.reviews_rescore() == 0  # all scored by the current (baseline) scorer
    ReviewSentiment.objects.filter(review=scored["honest"]).update(source="stars")
    assert services.reviews_rescore() == 1
    assert ReviewSentiment.objects.get(review=scored["honest"]).source == "baseline"
