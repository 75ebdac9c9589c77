"""Scoring reviews on submit: the baseline before any training, the stars fallback when no model
can read, and a submit that never fails because of sentiment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sentiment.kinds import SentimentKind
from sentiment.ml.baselines import VaderModel
from sentiment.models import ProductSentiment, ReviewSentiment
from shop import services as shop_services
from shop.models import Review

pytestmark = pytest.mark.django_db

LOVE = "Love it. Brilliant quality, works perfectly and I am delighted."  # VADER compound 0.9477


def submit(user, product, *, rating, title, body, capture):
    with capture(execute=True):
        return shop_services.review_create(user=user, product=product, rating=rating, title=title, body=body)


def test_before_any_training_the_vader_baseline_scores_the_review(
    product, buyer_of, django_capture_on_commit_callbacks
):
    review = submit(
        buyer_of(product), product, rating=5, title="Love it", body=LOVE.removeprefix("Love it. "),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip

    row = ReviewSentiment.objects.get(review=review)
    assert (row.label, row.source, row.model_label, row.model_version_id) == (
        "positive", "baseline", "baseline (VADER)", None,
    )  # fmt: skip
    assert (round(row.positive, 4), round(row.neutral, 4), row.negative) == (0.9738, 0.0262, 0.0)
    assert row.confidence == row.positive
    assert (row.flags, row.moderation) == ([], "none")
    summary = ProductSentiment.objects.get(product=product)
    assert (summary.positive_count, summary.neutral_count, summary.negative_count, summary.aspects_stale) == (
        1, 0, 0, True,
    )  # fmt: skip


def test_with_no_model_at_all_the_stars_fallback_is_recorded_as_such(
    product, buyer_of, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(SentimentKind, "baseline", lambda self: None)  # e.g. VADER not installed

    review = submit(
        buyer_of(product), product, rating=2, title="Meh", body=LOVE, capture=django_capture_on_commit_callbacks
    )

    row = ReviewSentiment.objects.get(review=review)
    assert (row.label, row.source, row.model_label, row.confidence) == ("negative", "stars", "stars fallback", None)
    assert (row.negative, row.neutral, row.positive) == (1.0, 0.0, 0.0)
    assert row.flags == []  # stars cannot contradict themselves


def test_a_model_that_raises_never_fails_the_submit(product, buyer_of, monkeypatch, django_capture_on_commit_callbacks):
    def broken(self, texts):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(VaderModel, "predict_proba", broken)

    review = submit(
        buyer_of(product), product, rating=3, title="Fine", body="Fine.", capture=django_capture_on_commit_callbacks
    )

    assert Review.objects.filter(pk=review.pk, status="published").exists()
    row = ReviewSentiment.objects.get(review=review)
    assert (row.label, row.source) == ("neutral", "stars")


def test_a_failing_sentiment_write_still_keeps_the_review(
    product, buyer_of, monkeypatch, django_capture_on_commit_callbacks
):
    def broken_write(**kwargs):
        raise RuntimeError("database trouble in the sentiment app")

    monkeypatch.setattr("sentiment.services.reviews_score", broken_write)

    review = submit(
        buyer_of(product), product, rating=4, title="Good", body="Good.", capture=django_capture_on_commit_callbacks
    )

    assert Review.objects.filter(pk=review.pk).exists()
    assert not ReviewSentiment.objects.filter(review=review).exists()


def test_editing_a_review_scores_it_again(product, buyer_of, django_capture_on_commit_callbacks):
    user = buyer_of(product)
    review = submit(user, product, rating=5, title="Love it", body=LOVE, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        shop_services.review_update(
            review=review, user=user, rating=1, body="Terrible. It broke after a day, awful waste of money."
        )

    row = ReviewSentiment.objects.get(review=review)
    assert row.label == "negative"
    summary = ProductSentiment.objects.get(product=product)
    assert (summary.positive_count, summary.negative_count) == (0, 1)


def test_a_very_negative_review_of_a_recent_order_asks_for_follow_up(
    product, buyer_of, django_capture_on_commit_callbacks
):
    recent = buyer_of(product)
    old = buyer_of(product, order__created_at=timezone.now() - timedelta(days=90))
    body = "Stopped working, really disappointed and angry."
    recent_review = submit(
        recent, product, rating=1, title="Useless", body=body, capture=django_capture_on_commit_callbacks
    )
    old_review = submit(old, product, rating=1, title="Useless", body=body, capture=django_capture_on_commit_callbacks)

    assert ReviewSentiment.objects.get(review=recent_review).flags == ["unhappy_recent_buyer"]
    assert ReviewSentiment.objects.get(review=old_review).flags == []
