"""Writes of the sentiment app: scoring reviews, product summaries and aspects, moderation, schedules.

Scoring uses the `sentiment` champion (ml.loader): a trained version, or the kind's VADER
baseline before any version exists. When no model can score at all (the baseline failed to
load, or scoring raised), the review gets the stars fallback (1-2 stars negative, 3 neutral,
4-5 positive), recorded as `source=stars` so nobody mistakes it for a model's reading.

A review is scored right after its submit commits (`review_sentiment_on_submit`, called from
shop.services.review_create and review_update): synchronously by default (one short text takes
milliseconds on a CPU once the model is loaded), or by a Celery task (SENTIMENT_SCORING=task).
It never raises: a review is never lost or refused because of sentiment.

A product's label counts are refreshed with each scored review (one aggregate query); its aspects
are marked stale and recomputed by the periodic task `product_sentiments_refresh_stale`, which
invalidates the anonymous page cache when anything changed.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.errors import ApplicationError
from core.page_cache import page_cache_invalidate
from core.task_queue import task_send
from ml.embeddings import encode
from ml.loader import champion
from sentiment import selectors
from sentiment.ml import aspects as aspect_engine
from sentiment.ml.labels import LABELS, label_from_stars
from sentiment.ml.moderation import review_flags
from sentiment.models import Label, ProductSentiment, ReviewSentiment
from shop.models import Product, Review
from shop.services import review_status_set

logger = logging.getLogger(__name__)

KIND = "sentiment"


# --- Scoring ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scorer:
    """What scores texts now: `model` None means the stars fallback."""

    model: object | None
    source: str
    version_id: int | None
    label: str

    def probabilities(self, texts: Sequence[str]) -> np.ndarray | None:
        """(n, 3) probabilities, or None when this scorer cannot read texts (the stars fallback)."""
        if self.model is None or not texts:
            return None if self.model is None else np.zeros((0, len(LABELS)))
        return np.asarray(self.model.predict_proba(list(texts)), dtype=np.float64)


class ModelUnavailableError(ApplicationError):
    """No model can read text right now (only the stars fallback is left)."""

    status_code = 503

    def __init__(self):
        super().__init__("No sentiment model is available to score text right now.", code="model_unavailable")


STARS_FALLBACK = Scorer(model=None, source=ReviewSentiment.Source.STARS, version_id=None, label="stars fallback")


def scorer_current() -> Scorer:
    """The champion as a Scorer; the stars fallback when there is none that can load. Never raises."""
    try:
        served = champion(KIND)
    except Exception:
        logger.exception("No sentiment model could be served; using the stars fallback")
        return STARS_FALLBACK
    if served.model is None:
        return STARS_FALLBACK
    if served.is_baseline:
        return Scorer(
            model=served.model, source=ReviewSentiment.Source.BASELINE, version_id=None, label="baseline (VADER)"
        )
    return Scorer(
        model=served.model, source=ReviewSentiment.Source.MODEL, version_id=served.version_id, label=served.label
    )


def text_score(*, text: str) -> dict:
    """The sentiment of any text (the staff API): label, probabilities, confidence, the model's label."""
    text = text.strip()
    if not text:
        raise ApplicationError("Give a text to score.", code="invalid", details={"text": ["This field is required."]})
    scorer = scorer_current()
    probabilities = _safe_probabilities(scorer, [text])
    if probabilities is None:
        raise ModelUnavailableError()
    row = probabilities[0]
    return {
        "label": LABELS[int(row.argmax())],
        "probabilities": dict(zip(LABELS, (round(float(value), 4) for value in row), strict=True)),
        "confidence": round(float(row.max()), 4),
        "score": round(float(row[2] - row[0]), 4),
        "model": scorer.label,
    }


def _safe_probabilities(scorer: Scorer, texts: Sequence[str]) -> np.ndarray | None:
    try:
        return scorer.probabilities(texts)
    except Exception:
        logger.exception("Sentiment scoring failed with %s; using the stars fallback", scorer.label)
        return None


def _product_words(product: Product) -> frozenset[str]:
    """Words of the product's, brand's and category's names: never aspects of their own."""
    names = [product.name, getattr(product.brand, "name", ""), getattr(product.category, "name", "")]
    return frozenset(aspect_engine.WORD.findall(" ".join(names).lower()))


def _review_aspects(text: str, exclude: frozenset[str]) -> list[str]:
    found = []
    for clause in aspect_engine.clauses(text):
        for phrase in aspect_engine.candidates(clause, exclude=exclude):
            if phrase not in found:
                found.append(phrase)
    return found


def reviews_score(*, reviews: Sequence[Review], scorer: Scorer | None = None) -> list[ReviewSentiment]:
    """Score reviews in one batch and save their rows (created or replaced). The rows' moderation
    state opens when flags are new; a row staff already cleared stays cleared for the same flags."""
    if not reviews:
        return []
    scorer = scorer or scorer_current()
    texts = [selectors.review_text(title=review.title, body=review.body) for review in reviews]
    probabilities = _safe_probabilities(scorer, texts)
    used = scorer if probabilities is not None else STARS_FALLBACK
    existing = {row.review_id: row for row in ReviewSentiment.objects.filter(review__in=[r.pk for r in reviews])}
    now = timezone.now()
    saved = []
    for index, review in enumerate(reviews):
        if probabilities is None:
            row_probabilities = np.eye(len(LABELS))[label_from_stars(review.rating)]
            confidence = None
        else:
            row_probabilities = probabilities[index]
            confidence = float(row_probabilities.max())
        readable = probabilities is not None
        recent = (
            readable
            and review.rating <= 2
            and row_probabilities[0] >= 0.8
            and selectors.review_recent_order(review=review)
        )
        flags = review_flags(
            text=texts[index],
            rating=review.rating,
            probabilities=row_probabilities if readable else None,
            recent_order=recent,
        )
        codes = [flag.code for flag in flags]
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
            "label": LABELS[int(np.argmax(row_probabilities))],
            "negative": float(row_probabilities[0]),
            "neutral": float(row_probabilities[1]),
            "positive": float(row_probabilities[2]),
            "score": float(row_probabilities[2] - row_probabilities[0]),
            "confidence": confidence,
            "source": used.source,
            "model_version_id": used.version_id,
            "model_label": used.label,
            "aspects": _review_aspects(texts[index], _product_words(review.product)),
            "flags": codes,
            "flag_reasons": "\n".join(flag.reason for flag in flags),
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
            row = reviews_score(reviews=[review], scorer=STARS_FALLBACK)[0]
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
    scorer = scorer_current()
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
    exclude = _product_words(product)
    units: list[tuple[int, str, list[str]]] = []  # (review id, clause, phrases)
    for review in reviews:
        for clause in aspect_engine.clauses(selectors.review_text(title=review.title, body=review.body)):
            phrases = aspect_engine.candidates(clause, exclude=exclude)
            if phrases:
                units.append((review.pk, clause, phrases))
    scorer = scorer_current()
    probabilities = _safe_probabilities(scorer, [clause for _id, clause, _phrases in units]) if units else None
    review_scores = {review.pk: getattr(getattr(review, "sentiment", None), "score", 0.0) for review in reviews}
    mentions = []
    for index, (review_id, _clause, phrases) in enumerate(units):
        score = (
            float(probabilities[index][2] - probabilities[index][0])
            if probabilities is not None
            else review_scores[review_id]
        )
        mentions.extend(aspect_engine.Mention(phrase=phrase, review_id=review_id, score=score) for phrase in phrases)
    liked, disliked = (
        aspect_engine.aspects_rank(
            mentions,
            encode=encode,
            similarity=settings.SENTIMENT_ASPECT_SIMILARITY,
            min_mentions=settings.SENTIMENT_ASPECT_MIN_MENTIONS,
        )
        if mentions
        else ([], [])
    )
    with transaction.atomic():
        product_sentiment_counts_refresh(product_ids=[product_id])
        summary = ProductSentiment.objects.select_for_update().get(product_id=product_id)
        summary.liked = [aspect.as_dict() for aspect in liked]
        summary.disliked = [aspect.as_dict() for aspect in disliked]
        summary.aspects_stale = False
        summary.aspects_at = timezone.now()
        summary.save(update_fields=["liked", "disliked", "aspects_stale", "aspects_at"])
    return summary


def product_sentiments_refresh_stale(*, limit: int = 200) -> int:
    """Recompute the aspects of up to `limit` products whose reviews changed (the periodic task)."""
    ids = list(ProductSentiment.objects.filter(aspects_stale=True).values_list("product_id", flat=True)[:limit])
    for product_id in ids:
        product_sentiment_refresh(product_id=product_id)
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
