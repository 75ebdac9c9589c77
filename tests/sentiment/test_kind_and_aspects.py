"""The `sentiment` kind through the ML platform, and aspects computed per product (real encoder)."""

import pytest

from core.errors import ApplicationError
from ml import services as ml_services
from ml.loader import champion
from ml.models import ModelVersion
from sentiment import inference, services
from sentiment.models import ProductSentiment, ReviewSentiment
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

POSITIVE = ["Love it, brilliant and works perfectly.", "Excellent quality, very happy.", "Fantastic, highly recommend."]
NEGATIVE = ["Terrible, broke after a day.", "Awful, complete waste of money.", "Very disappointed, it does not work."]
NEUTRAL = ["It is okay, nothing special.", "Average, does the job.", "Not bad, not great."]


def reviews_for(product, count: int):
    made = []
    for index in range(count):
        rating, texts = [(5, POSITIVE), (1, NEGATIVE), (3, NEUTRAL)][index % 3]
        made.append(
            ReviewFactory(
                product=product,
                rating=rating,
                title="Review",
                body=texts[(index // 3) % 3],
                user=None,
                author_name="Sam",
            )
        )
    return made


def test_too_few_reviews_keep_the_baseline(product):
    reviews_for(product, 5)
    run = ml_services.training_run_create(kind="sentiment", trigger="command")
    run = ml_services.training_run_execute(run_id=run.pk)
    assert run.status == "failed"
    assert "Only 5 reviews to learn from (at least 20 are needed)" in run.error
    assert champion("sentiment").is_baseline


@pytest.mark.slow
def test_a_trained_version_stores_engine_and_baseline_metrics_and_serves(product, tmp_path, settings):
    settings.MODEL_ROOT = tmp_path
    reviews_for(product, 30)
    run = ml_services.training_run_create(kind="sentiment", trigger="command")  # the stacked engine on a CPU
    run = ml_services.training_run_execute(run_id=run.pk)

    assert run.status == "succeeded", run.error
    version = ModelVersion.objects.get(run=run)
    assert {"accuracy", "macro_f1", "baseline_tfidf_accuracy", "baseline_tfidf_macro_f1",
            "baseline_vader_accuracy", "baseline_vader_macro_f1", "ece"} <= set(version.metrics)  # fmt: skip
    assert version.row_counts == {"train_reviews": 24, "holdout_reviews": 6, "seed_sentences": 60,
                                  "reviews_negative": 10, "reviews_neutral": 10, "reviews_positive": 10}  # fmt: skip
    assert version.metrics["macro_f1"] >= 0.8
    served = inference.scorer_current()
    assert (served.source, served.version_id) == ("model", version.pk)
    assert services.reviews_rescore() == 30
    assert set(ReviewSentiment.objects.values_list("model_version_id", flat=True)) == {version.pk}


@pytest.mark.slow
def test_aspects_per_product_rank_what_buyers_like_and_dislike(product):
    texts = [
        (5, "The battery life is superb and the screen is bright."),
        (5, "Battery life is amazing, lasts a week."),
        (4, "Great battery life. The strap feels cheap though."),
        (2, "The strap broke after a month, poor quality strap."),
        (1, "Terrible strap, it snapped. Screen is fine."),
    ]
    reviews = [
        ReviewFactory(product=product, rating=r, title="Review", body=b, user=None, author_name="Sam") for r, b in texts
    ]
    services.reviews_score(reviews=reviews)

    summary = services.product_sentiment_refresh(product_id=product.pk)

    assert [(a["phrase"], a["mentions"]) for a in summary.liked] == [("battery life", 3), ("screen", 2)]
    assert [(a["phrase"], a["mentions"]) for a in summary.disliked] == [("strap", 3)]
    assert summary.liked[0]["review_ids"] == [r.pk for r in reviews[:3]]
    assert ProductSentiment.objects.get(product=product).aspects_stale is False


def test_an_unknown_split_is_refused():
    from sentiment.kinds import holdout_rows

    with pytest.raises(ApplicationError):
        holdout_rows([0, 1], share=0.5, split="sideways", seed=0)
