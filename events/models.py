"""Shopper behaviour: the raw event log and the daily per-variant demand aggregate.

Recommendations learn from `Interaction`; pricing learns from `DailyVariantStats`.

The event log sits below the catalogue: it points at products and variants by foreign key, named
as "shop.Product" (Django resolves it when the apps load), without importing the catalogue.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models


class Interaction(models.Model):
    """One thing a shopper did. Written in batches (see events.services), read by the ML apps."""

    class Kind(models.TextChoices):
        VIEW = "view", "Product view"
        SEARCH = "search", "Search"
        ADD_TO_CART = "add_to_cart", "Add to cart"
        REMOVE_FROM_CART = "remove_from_cart", "Remove from cart"
        PURCHASE = "purchase", "Purchase"
        WISHLIST_ADD = "wishlist_add", "Wishlist add"
        REVIEW = "review", "Review"

    class Source(models.TextChoices):
        WEB = "web", "Website"
        API = "api", "API"
        DEMO = "demo", "Demo data"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    session_key = models.CharField(max_length=40, blank=True)
    product = models.ForeignKey("shop.Product", null=True, blank=True, on_delete=models.CASCADE)
    variant = models.ForeignKey("shop.Variant", null=True, blank=True, on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(default=1)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    query = models.CharField(max_length=200, blank=True)
    result_count = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "created_at"], name="interaction_user_idx"),
            models.Index(fields=["product", "kind"], name="interaction_product_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id or self.query} at {self.created_at:%Y-%m-%d %H:%M}"


class DailyVariantStats(models.Model):
    """Per-variant, per-day demand aggregate for pricing models, kept up to date incrementally."""

    variant = models.ForeignKey("shop.Variant", on_delete=models.CASCADE, related_name="daily_stats")
    date = models.DateField()
    views = models.PositiveIntegerField(default=0)
    add_to_carts = models.PositiveIntegerField(default=0)
    units_sold = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Price in effect that day.")
    stock_at_day_start = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily variant stats"
        constraints = [models.UniqueConstraint(fields=["variant", "date"], name="unique_variant_day")]
        indexes = [models.Index(fields=["date"], name="dailystats_date_idx")]

    def __str__(self) -> str:
        return f"{self.variant_id} {self.date}"
