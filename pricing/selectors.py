"""Reads of the pricing app: the engine's inputs from the store, suggestions, history, dashboard figures."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from events.models import DailyVariantStats
from pricing.ml.data import Catalog, History, history_fill_gaps
from pricing.models import CategoryPricing, Guardrail, Mode, Objective, PriceChangeAudit, PriceSuggestion, PricingRun
from shop.models import PriceChange, Variant


@dataclass(frozen=True)
class Policy:
    """What applies to one variant: its guardrail values, mode and objective."""

    min_price: Decimal | None
    max_price: Decimal | None
    floor_pct: Decimal
    ceiling_pct: Decimal
    min_margin_pct: Decimal
    max_change_pct: Decimal
    max_weekly_change_pct: Decimal
    min_days_between_changes: int
    frozen: bool
    mode: str
    objective: str
    clear_by: date | None
    source: str  # where the guardrail came from, for the admin


GUARDRAIL_FIELDS = (
    "min_price",
    "max_price",
    "floor_pct",
    "ceiling_pct",
    "min_margin_pct",
    "max_change_pct",
    "max_weekly_change_pct",
    "min_days_between_changes",
    "frozen",
)


def _ancestors(path: str) -> list[str]:
    """'a/b/c' -> ['a/b/c', 'a/b', 'a']: the category and its ancestors, nearest first."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


def variant_policies(*, variants: list[Variant]) -> dict[int, Policy]:
    """The nearest guardrail (product, then category and ancestors, then the setting) and the
    nearest category pricing mode, per variant. Variants must come with product__category loaded."""
    product_ids = {v.product_id for v in variants}
    by_product = {g.product_id: g for g in Guardrail.objects.filter(product_id__in=product_ids)}
    by_path = {g.category.path: g for g in Guardrail.objects.filter(category__isnull=False).select_related("category")}
    modes = {c.category.path: c for c in CategoryPricing.objects.select_related("category")}
    default = settings.PRICING_DEFAULT_GUARDRAIL
    policies = {}
    for variant in variants:
        paths = _ancestors(variant.product.category.path)
        guard = by_product.get(variant.product_id)
        source = "product"
        if guard is None:
            path = next((p for p in paths if p in by_path), None)
            guard, source = (by_path[path], f"category {path}") if path else (None, "store default")
        values = {f: getattr(guard, f) for f in GUARDRAIL_FIELDS} if guard else dict(default)
        mode = next((modes[p] for p in paths if p in modes), None)
        policies[variant.pk] = Policy(
            **{f: values.get(f) for f in GUARDRAIL_FIELDS},
            mode=mode.mode if mode else settings.PRICING_DEFAULT_MODE,
            objective=mode.objective if mode else Objective.PROFIT,
            clear_by=mode.clear_by if mode else None,
            source=source,
        )
    return policies


def pricing_variants(*, variant_ids: Iterable[int] | None = None) -> list[Variant]:
    variants = Variant.objects.filter(is_active=True, product__is_active=True).select_related("product__category")
    if variant_ids is not None:
        variants = variants.filter(pk__in=list(variant_ids))
    return list(variants.order_by("pk"))


def demand_history(*, variants: list[Variant], start: date, end: date) -> History:
    """DailyVariantStats of `variants` on days start..end-1, zero-sale days filled in (data.history_fill_gaps)."""
    rows = DailyVariantStats.objects.filter(variant__in=variants, date__gte=start, date__lt=end).values_list(
        "variant__sku", "date", "price", "units_sold", "views", "stock_at_day_start"
    )
    rows = list(rows)
    if not rows:
        return History.build(sku=[], day=[], price=[], units=[])
    sku, day, price, units, views, stock = zip(*rows, strict=True)
    history = History.build(
        sku=sku,
        day=[d.toordinal() for d in day],
        price=[float(p) for p in price],
        units=units,
        views=views,
        stock=stock,
    )
    return history_fill_gaps(history, until=end.toordinal())


def _price_state(*, variants: list[Variant], now: datetime) -> tuple[dict[int, float], dict[int, float]]:
    """Per variant: the day of its last price change, and its price a week ago (for the weekly limit)."""
    ids = [v.pk for v in variants]
    last = dict(
        PriceChange.objects.filter(variant_id__in=ids)
        .values("variant_id")
        .annotate(at=Max("changed_at"))
        .values_list("variant_id", "at")
    )
    week_ago = now - timedelta(days=7)
    since = {}
    for change in PriceChange.objects.filter(variant_id__in=ids, changed_at__gt=week_ago).order_by("changed_at"):
        since.setdefault(change.variant_id, float(change.old_price))  # the price before the week's first change
    last_day = {vid: float(timezone.localtime(at).date().toordinal()) for vid, at in last.items()}
    return last_day, since


def _median_price_per_sku(history: History) -> dict[str, float]:
    """The reference price of each SKU: its median daily price over the history (one sort, no loop over rows)."""
    if not len(history):
        return {}
    names, codes = np.unique(history.sku.astype(str), return_inverse=True)
    order = np.lexsort((history.price, codes))
    counts = np.bincount(codes, minlength=len(names))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sorted_prices = history.price[order]
    low = sorted_prices[starts + (counts - 1) // 2]
    high = sorted_prices[starts + counts // 2]
    return dict(zip(names.tolist(), ((low + high) / 2).tolist(), strict=True))


def pricing_catalog(
    *, variants: list[Variant], history: History, policies: dict[int, Policy], now: datetime
) -> Catalog:
    """The engine's catalog with every guardrail resolved for each variant."""
    last_day, week_ago = _price_state(variants=variants, now=now)
    reference = _median_price_per_sku(history)
    n = len(variants)
    columns = {name: np.full(n, np.nan) for name in ("min_price", "max_price", "min_margin_pct", "max_change_pct")}
    weekly = np.full(n, np.nan)
    min_days = np.zeros(n)
    frozen = np.zeros(n, dtype=bool)
    for i, variant in enumerate(variants):
        policy = policies[variant.pk]
        ref = reference.get(variant.sku, float(variant.price))
        floor = ref * float(policy.floor_pct) / 100
        ceiling = ref * float(policy.ceiling_pct) / 100
        if policy.min_price is not None:
            floor = max(floor, float(policy.min_price))
        if policy.max_price is not None:
            ceiling = min(ceiling, float(policy.max_price))
        columns["min_price"][i] = max(floor, 0.01)
        columns["max_price"][i] = max(ceiling, 0.01)
        columns["min_margin_pct"][i] = float(policy.min_margin_pct)
        columns["max_change_pct"][i] = float(policy.max_change_pct)
        weekly[i] = float(policy.max_weekly_change_pct)
        min_days[i] = policy.min_days_between_changes
        frozen[i] = policy.frozen
    current = np.array([float(v.price) for v in variants])
    return Catalog(
        sku=np.array([v.sku for v in variants], dtype=object),
        cost=np.array([float(v.cost) for v in variants]),
        min_price=columns["min_price"],
        max_price=columns["max_price"],
        current_price=current,
        stock=np.array([float(v.stock_quantity) for v in variants]),
        category=np.array([v.product.category.path for v in variants], dtype=object),
        max_change_pct=columns["max_change_pct"],
        min_margin_pct=columns["min_margin_pct"],
        max_weekly_change_pct=weekly,
        min_days_between_changes=min_days,
        last_change_day=np.array([last_day.get(v.pk, np.nan) for v in variants]),
        price_week_ago=np.array([week_ago.get(v.pk, float(v.price)) for v in variants]),
        frozen=frozen,
    )


def local_today() -> date:
    return timezone.localdate()


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Suggestions, history, dashboard ----------------------------------------------------------


def price_suggestion_list(*, status: str | None = None, variant_id: int | None = None) -> QuerySet[PriceSuggestion]:
    suggestions = PriceSuggestion.objects.select_related("variant__product", "run", "decided_by")
    if status:
        suggestions = suggestions.filter(status=status)
    if variant_id:
        suggestions = suggestions.filter(variant_id=variant_id)
    return suggestions.order_by("-created_at", "id")


def price_history_list(*, variant_id: int | None = None) -> QuerySet[PriceChange]:
    changes = PriceChange.objects.select_related("variant", "changed_by", "pricing_audit__approved_by")
    if variant_id:
        changes = changes.filter(variant_id=variant_id)
    return changes.order_by("-changed_at", "-id")


def pricing_dashboard(*, days_after: int = 7) -> dict:
    """Last run, changes applied, and for changes at least `days_after` days old: predicted vs actual
    units per day over the `days_after` days after the change, and the realised uplift in profit per
    day against the `days_after` days before it."""
    audits = _recent_audits()
    rows = _outcomes(audits=audits, days_after=days_after)
    predicted = sum(r["predicted_units"] for r in rows)
    actual = sum(r["actual_units"] for r in rows)
    return {
        "last_run": PricingRun.objects.first(),
        "runs": list(PricingRun.objects.all()[:10]),
        "applied_total": len(audits),
        "applied_week": sum(1 for a in audits if (timezone.now() - a.price_change.changed_at).days < 7),
        "pending": PriceSuggestion.objects.filter(status=PriceSuggestion.Status.PENDING).count(),
        "automatic_categories": CategoryPricing.objects.filter(mode=Mode.AUTOMATIC).count(),
        "measured": rows[:50],
        "measured_count": len(rows),
        "predicted_units": predicted,
        "actual_units": actual,
        "forecast_error": abs(predicted - actual) / actual if actual else None,
        "uplift_per_day": sum(r["profit_after"] - r["profit_before"] for r in rows),
        "days_after": days_after,
    }


def price_change_outcomes(*, days_after: int = 7) -> list[dict]:
    """Of the last 500 engine price changes, those at least `days_after` days old, newest first: the SKU,
    the prices, predicted and actual units per day after the change, profit per day before and after."""
    return _outcomes(audits=_recent_audits(), days_after=days_after)


def _recent_audits() -> list[PriceChangeAudit]:
    return list(
        PriceChangeAudit.objects.select_related("price_change__variant").order_by("-price_change__changed_at")[:500]
    )


def _outcomes(*, audits: list[PriceChangeAudit], days_after: int) -> list[dict]:
    today = local_today()
    rows = []
    for audit in audits:
        change = audit.price_change
        day = timezone.localtime(change.changed_at).date()
        if (today - day).days < days_after:
            continue
        stats = DailyVariantStats.objects.filter(
            variant_id=change.variant_id,
            date__gte=day - timedelta(days=days_after),
            date__lt=day + timedelta(days=days_after),
        ).values_list("date", "units_sold", "revenue")
        before = [(u, r) for d, u, r in stats if d < day]
        after = [(u, r) for d, u, r in stats if d >= day]
        cost = float(change.variant.cost)
        units_after = sum(u for u, _ in after) / days_after
        profit_after = sum(float(r) - cost * u for u, r in after) / days_after
        profit_before = sum(float(r) - cost * u for u, r in before) / days_after
        rows.append(
            {
                "sku": change.variant.sku,
                "changed_at": change.changed_at,
                "old_price": change.old_price,
                "new_price": change.new_price,
                "predicted_units": audit.expected_units_after,
                "actual_units": units_after,
                "profit_before": profit_before,
                "profit_after": profit_after,
            }
        )
    return rows


def price_changes_by_day(*, start: datetime, end: datetime) -> list[dict]:
    """Price changes made in [start, end), per day: `changes` (all), `by_engine` (applied from a suggestion)."""
    return list(
        PriceChange.objects.filter(changed_at__gte=start, changed_at__lt=end)
        .annotate(day=TruncDate("changed_at"))
        .values("day")
        .annotate(changes=Count("id"), by_engine=Count("id", filter=Q(pricing_audit__isnull=False)))
        .order_by("day")
    )
