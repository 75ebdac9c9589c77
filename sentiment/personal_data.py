"""Training data of the sentiment app for privacy.registry: review texts and their stars, as the
sentiment kind reads them (sentiment.selectors.review_training_rows), with no author or account.
The review text itself is the customer's published words (declared by shop.personal_data)."""

from datetime import timedelta

from django.utils import timezone

from sentiment import selectors


def training_data(*, pseudonym, days: int = 3 * 365, limit: int = 50000) -> dict[str, list[dict]]:
    end = timezone.now()
    rows = selectors.review_training_rows(start=end - timedelta(days=days), end=end, limit=limit)
    return {"reviews.csv": [{"text": text, "stars": stars} for text, stars in rows]}


TRAINING_DATA = {"sentiment": training_data}
