"""Writes of the sentiment app: scoring reviews, product summaries and aspects, moderation, schedules.

The readings come from sentiment.inference (the `sentiment` champion through ml.loader, the VADER
baseline before any version exists, else the stars fallback recorded as `source=stars`); these
services store them: ReviewSentiment rows, product counts and aspects.

A review is scored right after its submit commits (`review_sentiment_on_submit`, called from
shop.services.review_create and review_update): synchronously by default (one short text takes
milliseconds on a CPU once the model is loaded), or by a Celery task (SENTIMENT_SCORING=task).
It never raises: a review is never lost or refused because of sentiment.

A product's label counts are refreshed with each scored review (one aggregate query); its aspects
are marked stale and recomputed by the periodic task `product_sentiments_refresh_stale`, which
invalidates the anonymous page cache when anything changed.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.errors import ApplicationError
from core.page_cache import page_cache_invalidate
from core.task_queue import task_send
from sentiment import inference
from sentiment.models import Label, ProductSentiment, ReviewSentiment
from shop.models import Product, Review
from shop.services import review_status_set

logger = logging.getLogger(__name__)


# --- Scoring ---------------------------------------------------------------------------------------


def reviews_score(*, reviews: Sequence[Review], scorer: inference.Scorer | None = None) -> list[ReviewSentiment]:
    """Score reviews in one batch (sentiment.inference.reviews_read) and save their rows (created or
    replaced). The rows' moderation state opens when flags are new; a row staff already cleared
    stays cleared for the same flags."""
    if not reviews:
        return []
    readings = inference.reviews_read(reviews=reviews, scorer=scorer)
    existing = {row.review_id: row for row in ReviewSentiment.objects.filter(review__in=[r.pk for r in reviews])}
    now = timezone.now()
    saved = []
    for review, reading in zip(reviews, readings, strict=True):
        codes = [flag.code for flag in reading.flags]
        previous = existing.get(review.pk)
        if not codes:
            moderation = ReviewSentiment.Moderation.NONE
        elif (
            previous is not None
            and previous.moderation == ReviewSentiment.Moderation.CLEARED
            and set(previous.flags) >= set(codes)
        ):
            moderation = ReviewSentiment.Moderation.CLEARED
        else:
            moderation = ReviewSentiment.Moderation.OPEN
        values = {
            "label": reading.label,
            "negative": float(reading.probabilities[0]),
            "neutral": float(reading.probabilities[1]),
            "positive": float(reading.probabilities[2]),
            "score": reading.score,
            "confidence": reading.confidence,
            "source": reading.source,
            "model_version_id": reading.model_version_id,
            "model_label": reading.model_label,
            "aspects": reading.aspects,
            "flags": codes,
            "flag_reasons": "\n".join(flag.reason for flag in reading.flags),
            "moderation": moderation,
            "scored_at": now,
        }
        row, _ = ReviewSentiment.objects.update_or_create(review=review, defaults=values)
        saved.append(row)
    return saved


def review_sentiment_score(*, review: Review) -> ReviewSentiment:
    """Score one review, then refresh its product's counts and mark its aspects stale."""
    with transaction.atomic():
        row = reviews_score(reviews=[review])[0]
        product_sentiment_counts_refresh(product_ids=[review.product_id])
    return row


def review_sentiment_on_submit(*, review_id: int) -> ReviewSentiment | None:
    """The submit hook (run after the review's transaction commits). Never raises: on any failure
    it records the stars fallback, and if even that fails it logs and returns None."""
    mode = settings.SENTIMENT_SCORING
    if mode == "off":
        return None
    if mode == "task":
        try:
            task_send("sentiment.tasks.review_sentiment_score", args=[review_id])
            return None
        except Exception:
            logger.exception("Could not queue the sentiment of review %s; scoring it now", review_id)
    try:
        review = Review.objects.select_related("product__brand", "product__category").get(pk=review_id)
    except Review.DoesNotExist:
        logger.warning("Review %s vanished before its sentiment was scored", review_id)
        return None
    try:
        return review_sentiment_score(review=review)
    except Exception:
        logger.exception("Sentiment scoring of review %s failed; recording the stars fallback", review_id)
    try:
        with transaction.atomic():
            row = reviews_score(reviews=[review], scorer=inference.STARS_FALLBACK)[0]
            product_sentiment_counts_refresh(product_ids=[review.product_id])
        return row
    except Exception:
        logger.exception("Even the stars fallback of review %s could not be saved", review_id)
        return None


def review_sentiment_on_submit_later(*, review_id: int) -> None:
    """Call from inside a service's transaction: scores the review once it is committed."""
    transaction.on_commit(partial(review_sentiment_on_submit, review_id=review_id))


def reviews_rescore(*, batch_size: int = 256, only_outdated: bool = True) -> int:
    """Re-score reviews with the current champion: those scored by another model (or all), in batches.

    What the nightly task runs: when the champion has not changed, nothing is outdated and it
    costs one query. Products whose reviews changed get their counts refreshed and aspects marked stale.
    """
    scorer = inference.scorer_current()
    reviews = Review.objects.select_related("product__brand", "product__category").order_by("pk")
    if only_outdated:
        current = Q(sentiment__source=scorer.source)
        current &= Q(sentiment__model_version_id=scorer.version_id) if scorer.version_id else Q()
        reviews = reviews.exclude(current & Q(sentiment__isnull=False))
    total = 0
    last_id = 0
    while True:
        batch = list(reviews.filter(pk__gt=last_id)[:batch_size])
        if not batch:
            break
        with transaction.atomic():
            reviews_score(reviews=batch, scorer=scorer)
            product_sentiment_counts_refresh(product_ids={review.product_id for review in batch})
        total += len(batch)
        last_id = batch[-1].pk
    if total:
        transaction.on_commit(page_cache_invalidate)
    return total


# --- Product summaries -----------------------------------------------------------------------------


def product_sentiment_counts_refresh(*, product_ids: Iterable[int]) -> None:
    """Recount each product's published reviews per label; mark its aspects stale."""
    ids = sorted(set(product_ids))
    counts = {
        row["review__product_id"]: row
        for row in ReviewSentiment.objects.filter(review__product_id__in=ids, review__status=Review.Status.PUBLISHED)
        .values("review__product_id")
        .annotate(
            positive=Count("id", filter=Q(label=Label.POSITIVE)),
            neutral=Count("id", filter=Q(label=Label.NEUTRAL)),
            negative=Count("id", filter=Q(label=Label.NEGATIVE)),
        )
    }
    now = timezone.now()
    for product_id in ids:
        row = counts.get(product_id, {})
        ProductSentiment.objects.update_or_create(
            product_id=product_id,
            defaults={
                "positive_count": row.get("positive", 0),
                "neutral_count": row.get("neutral", 0),
                "negative_count": row.get("negative", 0),
                "aspects_stale": True,
                "counts_at": now,
            },
        )
    transaction.on_commit(page_cache_invalidate)


def product_sentiment_refresh(*, product_id: int) -> ProductSentiment:
    """Counts and aspects of one product from its published, scored reviews."""
    product = Product.objects.select_related("brand", "category").get(pk=product_id)
    reviews = list(
        Review.objects.filter(product=product, status=Review.Status.PUBLISHED)
        .select_related("sentiment")
        .order_by("-created_at")[: settings.SENTIMENT_ASPECT_REVIEWS]
    )
    liked, disliked = inference.product_aspects_rank(product=product, reviews=reviews)
    with transaction.atomic():
        product_sentiment_counts_refresh(product_ids=[product_id])
        summary = ProductSentiment.objects.select_for_update().get(product_id=product_id)
        summary.liked = [aspect.as_dict() for aspect in liked]
        summary.disliked = [aspect.as_dict() for aspect in disliked]
        summary.aspects_stale = False
        summary.aspects_at = timezone.now()
        summary.save(update_fields=["liked", "disliked", "aspects_stale", "aspects_at"])
    return summary


def product_sentiments_refresh_stale(*, limit: int = 200, progress: Callable[[float], None] | None = None) -> int:
    """Recompute the aspects of up to `limit` products whose reviews changed (the periodic task);
    `progress(fraction)` after each product."""
    ids = list(ProductSentiment.objects.filter(aspects_stale=True).values_list("product_id", flat=True)[:limit])
    for done, product_id in enumerate(ids, start=1):
        product_sentiment_refresh(product_id=product_id)
        if progress is not None:
            progress(done / len(ids))
    return len(ids)


# --- Moderation ------------------------------------------------------------------------------------

MODERATION_ACTIONS = ("clear", "hide", "publish")


@transaction.atomic
def review_sentiment_moderate(*, sentiment_ids: Iterable[int], action: str) -> int:
    """A moderator's decision on queued reviews: `clear` (fine as it is), `hide` the review, or
    `publish` it; every choice takes them out of the queue. Returns how many rows changed."""
    if action not in MODERATION_ACTIONS:
        raise ApplicationError(f"Unknown moderation action {action!r}.", code="invalid")
    rows = ReviewSentiment.objects.filter(pk__in=sorted(set(sentiment_ids)))
    review_ids = list(rows.values_list("review_id", flat=True))
    if action in ("hide", "publish"):
        status = Review.Status.HIDDEN if action == "hide" else Review.Status.PUBLISHED
        review_status_set(review_ids=review_ids, status=status)
        product_sentiment_counts_refresh(
            product_ids=Review.objects.filter(pk__in=review_ids).values_list("product_id", flat=True)
        )
    return rows.update(moderation=ReviewSentiment.Moderation.CLEARED)
