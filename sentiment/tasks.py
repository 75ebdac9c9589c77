"""Celery tasks of the sentiment app, each named `sentiment.tasks.<function>`. Each takes ids, calls one
service, and is idempotent."""

from celery import shared_task

from ml.services import TRANSIENT_ERRORS
from sentiment import services


@shared_task(
    name="sentiment.tasks.review_sentiment_score", autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=3
)
def review_sentiment_score(review_id: int) -> str | None:
    """Score one review (SENTIMENT_SCORING=task); re-running it scores the review again, same result."""
    row = services.review_sentiment_on_submit(review_id=review_id)
    return row.label if row is not None else None


@shared_task(
    name="sentiment.tasks.reviews_rescore",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def reviews_rescore() -> int:
    """Nightly: re-score the reviews scored by an older model; nothing to do when the champion is unchanged."""
    return services.reviews_rescore()


@shared_task(
    name="sentiment.tasks.product_sentiments_refresh_stale",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
)
def product_sentiments_refresh_stale() -> int:
    return services.product_sentiments_refresh_stale()
