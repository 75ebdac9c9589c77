"""Dynamic pricing: guardrails and modes set by staff, the engine's suggestions, runs and the audit trail.

The price history itself is `shop.PriceChange` (old, new, when, why, who); `PriceChangeAudit` adds
what pricing knows about a change it made: the suggestion, the model version, who approved it and
the forecast it was made with (the dashboard compares it with what sold afterwards).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from shop.models import Category, PriceChange, Product, Variant

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))]


class Objective(models.TextChoices):
    PROFIT = "profit", "Profit"
    REVENUE = "revenue", "Revenue"
    SELL_THROUGH = "sell_through", "Sell-through (clear stock by a date)"


class Mode(models.TextChoices):
    SUGGEST = "suggest", "Suggest only (staff approve)"
    AUTOMATIC = "automatic", "Automatic within guardrails"


class Guardrail(models.Model):
    """Limits on a product's variants, or on a category's products (nearest one wins: product, then the
    category and its ancestors, then the PRICING_DEFAULT_GUARDRAIL setting). Bounds relative to the
    reference price (the variant's median price over the engine's window) apply across a category;
    absolute bounds are for one product."""

    category = models.OneToOneField(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="guardrail")
    product = models.OneToOneField(Product, null=True, blank=True, on_delete=models.CASCADE, related_name="guardrail")
    min_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Absolute floor (per product)."
    )
    max_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Absolute ceiling (per product)."
    )
    floor_pct = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("70"),
        validators=PERCENT,
        help_text="Floor as % of the reference price.",
    )
    ceiling_pct = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("150"),
        validators=PERCENT,
        help_text="Ceiling as % of the reference price.",
    )
    min_margin_pct = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        validators=PERCENT,
        help_text="Minimum margin over cost, %.",
    )
    max_change_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="Largest change per update, %.",
    )
    max_weekly_change_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="Largest change over any 7 days, %.",
    )
    min_days_between_changes = models.PositiveSmallIntegerField(default=1)
    frozen = models.BooleanField(default=False, help_text="Hold prices as they are (e.g. during a promotion).")
    note = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(category__isnull=True) & Q(product__isnull=False))
                | (Q(category__isnull=False) & Q(product__isnull=True)),
                name="guardrail_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"Guardrail for {self.product or self.category}"

    def clean(self):
        errors = {}
        if (self.category_id is None) == (self.product_id is None):
            errors["category"] = "Choose either a category or a product."
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            errors["max_price"] = "The ceiling must not be below the floor."
        if self.floor_pct is not None and self.ceiling_pct is not None and self.floor_pct > self.ceiling_pct:
            errors["ceiling_pct"] = "The ceiling must not be below the floor."
        if errors:
            raise ValidationError(errors)


class CategoryPricing(models.Model):
    """How the engine treats a category: suggest only or automatic, and what it optimises."""

    category = models.OneToOneField(Category, on_delete=models.CASCADE, related_name="pricing")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SUGGEST)
    objective = models.CharField(max_length=12, choices=Objective.choices, default=Objective.PROFIT)
    clear_by = models.DateField(null=True, blank=True, help_text="Sell-through: clear the stock by this date.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "category pricing"

    def __str__(self) -> str:
        return f"{self.category}: {self.get_mode_display()}, {self.get_objective_display()}"

    def clean(self):
        if self.objective == Objective.SELL_THROUGH and self.clear_by is None:
            raise ValidationError({"clear_by": "Sell-through needs the date by which to clear the stock."})


class PricingRun(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Nightly schedule"
        ADMIN = "admin", "Admin"
        API = "api", "API"
        COMMAND = "command", "Command"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    model_label = models.CharField(max_length=80, blank=True)
    model_version = models.ForeignKey("ml.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL)
    variants = models.PositiveIntegerField(default=0)
    suggestions = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0, help_text="Applied at once (automatic mode).")
    seconds = models.FloatField(default=0)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Pricing run {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class PriceSuggestion(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded by a newer suggestion"
        UNCHANGED = "unchanged", "No change suggested"

    run = models.ForeignKey(PricingRun, on_delete=models.CASCADE, related_name="suggestion_set")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_suggestions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    objective = models.CharField(max_length=12, choices=Objective.choices)
    current_price = models.DecimalField(max_digits=12, decimal_places=2)
    suggested_price = models.DecimalField(max_digits=12, decimal_places=2)
    cost = models.DecimalField(max_digits=12, decimal_places=2)
    min_allowed = models.DecimalField(max_digits=12, decimal_places=2, help_text="Guardrail low bound at the time.")
    max_allowed = models.DecimalField(max_digits=12, decimal_places=2, help_text="Guardrail high bound at the time.")
    expected_units_current = models.FloatField(help_text="Units per day expected at the current price.")
    expected_units = models.FloatField(help_text="Units per day expected at the suggested price.")
    units_low = models.FloatField(help_text="10% quantile of a day's units at the suggested price.")
    units_high = models.FloatField(help_text="90% quantile of a day's units at the suggested price.")
    expected_revenue_current = models.FloatField()
    expected_revenue = models.FloatField()
    expected_profit_current = models.FloatField()
    expected_profit = models.FloatField()
    elasticity = models.FloatField()
    reason = models.TextField()
    contributions = models.JSONField(default=dict, help_text="LightGBM pred_contrib (log units) per feature and group.")
    curve = models.JSONField(default=dict, help_text="Demand curve: prices, units and profit per day.")
    model_label = models.CharField(max_length=80)
    model_version = models.ForeignKey("ml.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["variant", "-created_at"], name="suggestion_variant_idx")]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.current_price} -> {self.suggested_price}"

    @property
    def change_pct(self) -> float:
        return float(self.suggested_price / self.current_price - 1) * 100 if self.current_price else 0.0


class PriceChangeAudit(models.Model):
    """What pricing adds to a `shop.PriceChange` it made: suggestion, model version, approver, forecast."""

    price_change = models.OneToOneField(PriceChange, on_delete=models.CASCADE, related_name="pricing_audit")
    suggestion = models.ForeignKey(PriceSuggestion, null=True, on_delete=models.SET_NULL, related_name="audits")
    model_label = models.CharField(max_length=80)
    model_version = models.ForeignKey("ml.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Empty when applied automatically.",
    )
    automatic = models.BooleanField(default=False)
    expected_units_before = models.FloatField(help_text="Per day, at the old price.")
    expected_units_after = models.FloatField(help_text="Per day, at the new price.")
    expected_profit_before = models.FloatField()
    expected_profit_after = models.FloatField()

    def __str__(self) -> str:
        return f"Audit of {self.price_change}"


class PriceExperiment(models.Model):
    """A price test the engine runs on a variant while its elasticity is uncertain: open while runs keep
    testing, closed (`ended_at`) at the first run that no longer needs to. Kept current by
    pricing.services after each run; staff read which variants are explored, for how long, with which
    test sizes, and what was learned (the elasticity and its 90% interval)."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_experiments")
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Empty while the test runs.")
    base_price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Price the test started from.")
    tests = models.PositiveIntegerField(default=0, help_text="Pricing runs that moved the price to learn.")
    last_test_pct = models.FloatField(default=0, help_text="Last test's price move, % (signed).")
    elasticity = models.FloatField(help_text="Latest estimate.")
    elasticity_low = models.FloatField(help_text="90% interval, low end.")
    elasticity_high = models.FloatField(help_text="90% interval, high end.")
    elasticity_start = models.FloatField(help_text="Estimate when the test started.")

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["variant"], condition=Q(ended_at__isnull=True), name="price_experiment_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Price test of {self.variant.sku} from {self.started_at:%Y-%m-%d}"
