"""The sentiment app's serving entry: how texts, reviews and product aspects read, by the served model.

Pages, the API, commands, tasks and the services call it for predictions. The `sentiment`
champion is served through ml.loader (`scorer_current`): a trained version, or the kind's VADER
baseline before any version exists; when no model can score at all (the baseline failed to load,
or scoring raised), the stars fallback (1-2 stars negative, 3 neutral, 4-5 positive), recorded as
`source=stars` so nobody mistakes it for a model's reading. It serves:

    text_score(text=...)                      any text (the staff API)
    reviews_read(reviews=..., scorer=None)    reviews in one batch: probabilities, flags, aspects
    product_aspects_rank(product=..., reviews=...)   what buyers like and dislike about a product

Nothing here writes: sentiment.services stores the readings (ReviewSentiment, ProductSentiment).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from core.errors import ApplicationError
from ml.embeddings import encode
from ml.loader import champion
from sentiment import selectors
from sentiment.ml import aspects as aspect_engine
from sentiment.ml.labels import LABELS, label_from_stars
from sentiment.ml.moderation import Flag, review_flags
from sentiment.models import ReviewSentiment
from shop.models import Product, Review

logger = logging.getLogger(__name__)

KIND = "sentiment"


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


@dataclass(frozen=True)
class ReviewReading:
    """How one review reads, and who read it (the model, the baseline or the stars fallback)."""

    probabilities: np.ndarray  # negative, neutral, positive
    confidence: float | None  # None: the stars fallback read the rating, not the text
    source: str
    model_version_id: int | None
    model_label: str
    aspects: list[str]
    flags: list[Flag]

    @property
    def label(self) -> str:
        return LABELS[int(np.argmax(self.probabilities))]

    @property
    def score(self) -> float:
        return float(self.probabilities[2] - self.probabilities[0])


def reviews_read(*, reviews: Sequence[Review], scorer: Scorer | None = None) -> list[ReviewReading]:
    """Read reviews in one batch with `scorer` (default: the one serving now); the stars fallback for
    all of them when it cannot score. Flags for moderation and the aspects each review mentions."""
    if not reviews:
        return []
    scorer = scorer or scorer_current()
    texts = [selectors.review_text(title=review.title, body=review.body) for review in reviews]
    probabilities = _safe_probabilities(scorer, texts)
    used = scorer if probabilities is not None else STARS_FALLBACK
    readings = []
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
        readings.append(
            ReviewReading(
                probabilities=row_probabilities,
                confidence=confidence,
                source=used.source,
                model_version_id=used.version_id,
                model_label=used.label,
                aspects=_review_aspects(texts[index], _product_words(review.product)),
                flags=flags,
            )
        )
    return readings


def product_aspects_rank(
    *, product: Product, reviews: Sequence[Review]
) -> tuple[list[aspect_engine.Aspect], list[aspect_engine.Aspect]]:
    """(liked, disliked) aspects of the product from `reviews`: each clause that names an aspect is
    scored by the model serving now (else it counts its review's stored score), and the phrases are
    grouped with the shared encoder."""
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
    if not mentions:
        return [], []
    return aspect_engine.aspects_rank(
        mentions,
        encode=encode,
        similarity=settings.SENTIMENT_ASPECT_SIMILARITY,
        min_mentions=settings.SENTIMENT_ASPECT_MIN_MENTIONS,
    )
