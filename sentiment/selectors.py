"""Reads of the sentiment app: training rows, product summaries, filtered reviews, the moderation queue,
and monthly aggregates per product and category."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import QueryDict
from django.utils import timezone

from orders.models import Order, OrderLine
from sentiment.models import Label, ProductSentiment, ReviewSentiment
from shop import selectors as shop_selectors
from shop.models import Category, Product, Review

RECENT_ORDER_DAYS = 30
SENTIMENT_FILTERS = tuple(Label.values)


def review_text(*, title: str, body: str) -> str:
    """What the model reads: the title as a first sentence, then the body."""
    title = title.strip()
    if title and title[-1] not in ".!?":
        title += "."
    return f"{title} {body.strip()}".strip()


def review_training_rows(*, start: datetime, end: datetime, limit: int) -> list[tuple[str, int]]:
    """(text, stars) of the newest `limit` reviews written in [start, end), oldest first.

    Hidden reviews are left out (a moderator judged them abusive or spam); published and pending
    ones count.
    """
    rows = list(
        Review.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=Review.Status.HIDDEN)
        .order_by("-created_at", "-id")
        .values_list("title", "body", "rating")[:limit]
    )
    rows.reverse()
    return [(review_text(title=title, body=body), rating) for title, body, rating in rows]


def review_recent_order(*, review: Review, days: int = RECENT_ORDER_DAYS) -> bool:
    """Whether the review's author ordered the product in the last `days` days."""
    if review.user_id is None:
        return False
    return (
        OrderLine.objects.filter(
            order__user_id=review.user_id,
            variant__product_id=review.product_id,
            order__created_at__gte=timezone.now() - timedelta(days=days),
        )
        .exclude(order__status__in=[Order.Status.CANCELLED])
        .exists()
    )


def product_sentiment_get(*, product: Product) -> ProductSentiment | None:
    return ProductSentiment.objects.filter(product=product).first()


def product_sentiment_empty(*, product: Product) -> ProductSentiment:
    """An unsaved summary with nothing in it, for a product no review of which was scored yet."""
    return ProductSentiment(product=product, counts_at=timezone.now(), aspects_stale=False)


@dataclass(frozen=True)
class ReviewFilter:
    """The product page's sentiment filters: `?sentiment=negative` and/or `?aspect=battery+life`."""

    sentiment: str = ""
    aspect: str = ""

    def __bool__(self) -> bool:
        return bool(self.sentiment or self.aspect)

    @classmethod
    def from_query(cls, query: QueryDict) -> "ReviewFilter":
        sentiment = query.get("sentiment", "")
        aspect = " ".join(query.get("aspect", "").lower().split())[:80]
        return cls(sentiment=sentiment if sentiment in SENTIMENT_FILTERS else "", aspect=aspect)

    def query(self) -> QueryDict:
        result = QueryDict(mutable=True)
        if self.sentiment:
            result["sentiment"] = self.sentiment
        if self.aspect:
            result["aspect"] = self.aspect
        return result


def aspect_review_ids(*, summary: ProductSentiment | None, aspect: str) -> list[int]:
    """The reviews that mention `aspect` (one of the summary's liked or disliked phrases)."""
    if summary is None:
        return []
    for entry in [*summary.liked, *summary.disliked]:
        if entry["phrase"] == aspect:
            return entry["review_ids"]
    return []


def review_page_filtered(
    *, product: Product, review_filter: ReviewFilter, summary: ProductSentiment | None, page: int, page_size: int
) -> tuple[shop_selectors.ReviewPage, dict[str, str]]:
    """A page of the product's published reviews matching the filter, newest first, and the links to
    the previous and next pages (keeping the filter)."""
    reviews = Review.objects.filter(product=product, status=Review.Status.PUBLISHED)
    if review_filter.sentiment:
        reviews = reviews.filter(sentiment__label=review_filter.sentiment)
    if review_filter.aspect:
        reviews = reviews.filter(pk__in=aspect_review_ids(summary=summary, aspect=review_filter.aspect))
    reviews = reviews.order_by("-created_at", "-id")
    count = reviews.count()
    num_pages = max(1, math.ceil(count / page_size))
    number = min(max(page, 1), num_pages)
    start = (number - 1) * page_size
    result = shop_selectors.ReviewPage(
        reviews=list(reviews[start : start + page_size]), number=number, num_pages=num_pages, count=count
    )
    query = review_filter.query()
    urls = {}
    for name, target in (("previous", number - 1), ("next", number + 1)):
        if 1 <= target <= num_pages:
            query["page"] = str(target)
            urls[name] = f"?{query.urlencode()}#reviews"
    return result, urls


def moderation_queue() -> QuerySet[ReviewSentiment]:
    """Reviews whose flags need a human look, newest first."""
    return (
        ReviewSentiment.objects.filter(moderation=ReviewSentiment.Moderation.OPEN)
        .select_related("review", "review__product")
        .order_by("-scored_at", "-id")
    )


def sentiment_by_month(*, product_id: int | None = None, category_id: int | None = None) -> list[dict]:
    """Monthly sentiment of published reviews (by the month they were written): counts per label,
    mean score; for one product, one category (with its subcategories), or the whole store."""
    rows = ReviewSentiment.objects.filter(review__status=Review.Status.PUBLISHED)
    if product_id is not None:
        rows = rows.filter(review__product_id=product_id)
    if category_id is not None:
        category = Category.objects.get(pk=category_id)
        rows = rows.filter(
            Q(review__product__category__path=category.path)
            | Q(review__product__category__path__startswith=f"{category.path}/")
        )
    return list(
        rows.annotate(month=TruncMonth("review__created_at"))
        .values("month")
        .annotate(
            reviews=Count("id"),
            positive=Count("id", filter=Q(label=Label.POSITIVE)),
            neutral=Count("id", filter=Q(label=Label.NEUTRAL)),
            negative=Count("id", filter=Q(label=Label.NEGATIVE)),
            mean_score=Avg("score"),
        )
        .order_by("-month")
    )


def sentiment_by_category_month(*, months: int = 6) -> list[dict]:
    """Per category (each product's own) and month, for the last `months` months: the same aggregates."""
    since = timezone.now() - timedelta(days=31 * months)
    return list(
        ReviewSentiment.objects.filter(review__status=Review.Status.PUBLISHED, review__created_at__gte=since)
        .annotate(month=TruncMonth("review__created_at"))
        .values("month", "review__product__category__name")
        .annotate(
            reviews=Count("id"),
            positive=Count("id", filter=Q(label=Label.POSITIVE)),
            negative=Count("id", filter=Q(label=Label.NEGATIVE)),
            mean_score=Avg("score"),
        )
        .order_by("review__product__category__name", "-month")
    )


def product_page_sentiment(*, product: Product, query: QueryDict, page_size: int) -> dict:
    """What the product page adds for sentiment: the summary and its rows, the active filter and,
    when a filter is active, the filtered page of reviews (replacing the page's own)."""
    summary = product_sentiment_get(product=product)
    review_filter = ReviewFilter.from_query(query)
    rows: list[tuple[str, str, int, int]] = []
    if summary is not None:
        for key, label, count in (
            (Label.POSITIVE, "Positive", summary.positive_count),
            (Label.NEUTRAL, "Neutral", summary.neutral_count),
            (Label.NEGATIVE, "Negative", summary.negative_count),
        ):
            if count:
                rows.append((key.value, label, summary.share(count), count))
    context = {"sentiment_summary": summary, "summary_rows": rows, "review_filter": review_filter}
    if review_filter:
        try:
            page = max(1, int(query.get("page", "1")))
        except ValueError:
            page = 1
        review_page, urls = review_page_filtered(
            product=product, review_filter=review_filter, summary=summary, page=page, page_size=page_size
        )
        context.update(review_page=review_page, reviews=review_page.reviews, review_page_urls=urls)
    return context
