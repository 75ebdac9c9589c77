"""Training data of the pricing app for privacy.registry. Pricing holds no personal data: it learns
from per-variant daily aggregates (events.DailyVariantStats), which name no shopper."""

from datetime import timedelta

from django.utils import timezone

from pricing import selectors


def training_data(*, pseudonym, days: int = 365) -> dict[str, list[dict]]:
    """The demand history the pricing kind fits (pricing.selectors.demand_history): per SKU and day,
    price, units sold, views and opening stock (days as ordinals)."""
    end = timezone.localdate()
    history = selectors.demand_history(variants=selectors.pricing_variants(), start=end - timedelta(days=days), end=end)
    columns = ("sku", "day", "price", "units", "views", "stock")
    rows = zip(*(getattr(history, name).tolist() for name in columns), strict=True)
    return {"demand_history.csv": [dict(zip(columns, row, strict=True)) for row in rows]}


TRAINING_DATA = {"pricing": training_data}
