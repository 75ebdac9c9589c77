"""The dashboard's and reports' figures, read through the owning apps' selectors (no SQL here).

Periods are windows ending now: "today" is since local midnight, compared with the same hours of
yesterday; "7d" and "30d" are the last 7 and 30 days, compared with the 7 and 30 days before them.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events import selectors as events_selectors
from ml import selectors as ml_selectors
from ml.models import TrainingRun
from orders import selectors as orders_selectors
from orders.models import Order
from pricing import selectors as pricing_selectors
from pricing.models import PriceSuggestion
from sentiment import selectors as sentiment_selectors
from sentiment.models import ReviewSentiment
from shop import selectors as shop_selectors
from support import selectors as support_selectors
from support.models import Ticket

PERIODS = {"today": "Today", "7d": "Last 7 days", "30d": "Last 30 days"}
FAILED_RUNS_DAYS = 7


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def before(self) -> "Window":
        """The window of the same length just before this one."""
        return Window(start=self.start - (self.end - self.start), end=self.start)


def period_window(*, period: str, now: datetime) -> Window:
    if period == "today":
        midnight = timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))
        return Window(start=midnight, end=now)
    return Window(start=now - timedelta(days=int(period.removesuffix("d"))), end=now)


def _change(current, previous) -> float | None:
    """Relative change from `previous` to `current`; None when there is nothing to compare with."""
    if current is None or not previous:
        return None
    return float((Decimal(current) - Decimal(previous)) / Decimal(previous))


def _period_figures(window: Window) -> dict:
    sales = orders_selectors.sales_totals(start=window.start, end=window.end)
    sessions = events_selectors.session_conversion(start=window.start, end=window.end)
    return {**sales, "conversion": sessions["rate"], "sessions": sessions["sessions"]}


FIGURES = (
    ("revenue", "Revenue", "money"),
    ("orders", "Orders", "count"),
    ("average_basket", "Average basket", "money"),
    ("conversion", "Conversion (sessions with a purchase)", "rate"),
)


def sales_kpis(*, now: datetime | None = None) -> dict:
    """Revenue, orders, average basket and conversion rate (sessions with a purchase) per period (PERIODS):
    `periods` (their labels) and per figure a row of cells, each with `value`, the previous period's value
    (`previous`) and the relative `change`."""
    now = now or timezone.now()
    figures = []
    for period in PERIODS:
        window = period_window(period=period, now=now)
        figures.append((_period_figures(window), _period_figures(window.before())))
    return {
        "periods": list(PERIODS.values()),
        "rows": [
            {
                "name": name,
                "label": label,
                "kind": kind,
                "cells": [
                    {"value": cur[name], "previous": prev[name], "change": _change(cur[name], prev[name])}
                    for cur, prev in figures
                ],
            }
            for name, label, kind in FIGURES
        ],
    }


# --- Needs attention: each a count and the filtered admin list behind it --------------------------


def _changelist(model: str, **filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return reverse(f"admin:{model.replace('.', '_')}_changelist") + (f"?{query}" if query else "")


def orders_to_ship() -> dict:
    return {
        "label": "Orders to ship",
        "count": orders_selectors.order_count(status=Order.Status.PAID),
        "url": _changelist("orders.order", status__exact=Order.Status.PAID),
    }


ON_HOLD = "on_hold"


def orders_on_hold() -> dict:
    return {
        "label": "Orders on hold",
        "count": orders_selectors.order_count(status=ON_HOLD),
        "url": _changelist("orders.order", status__exact=ON_HOLD),
    }


def low_stock() -> dict:
    counts = shop_selectors.variant_stock_counts()
    return {
        "label": f"Variants low on stock (≤ {settings.SHOP_LOW_STOCK_THRESHOLD})",
        "count": counts["low"],
        "url": _changelist("shop.variant", stock="low", is_active__exact=1),
        "detail": f"{counts['out']} sold out",
        "detail_url": _changelist("shop.variant", stock="out", is_active__exact=1),
    }


def reviews_to_moderate() -> dict:
    return {
        "label": "Reviews in the moderation queue",
        "count": sentiment_selectors.moderation_queue().count(),
        "url": _changelist("sentiment.reviewsentiment", moderation__exact=ReviewSentiment.Moderation.OPEN),
    }


def open_tickets() -> dict:
    queue = support_selectors.ticket_queue()
    return {
        "label": "Open support tickets",
        "count": queue["open"],
        "url": _changelist("support.ticket", status__exact=Ticket.Status.OPEN),
        "waiting_since": queue["oldest_at"],
    }


def pricing_suggestions() -> dict:
    return {
        "label": "Price suggestions awaiting approval",
        "count": pricing_selectors.price_suggestion_list(status=PriceSuggestion.Status.PENDING).count(),
        "url": _changelist("pricing.pricesuggestion", status__exact=PriceSuggestion.Status.PENDING),
    }


def failed_training_runs() -> dict:
    since = timezone.now() - timedelta(days=FAILED_RUNS_DAYS)
    return {
        "label": f"Failed training runs (last {FAILED_RUNS_DAYS} days)",
        "count": ml_selectors.training_run_failures(since=since),
        "url": _changelist("ml.trainingrun", status__exact=TrainingRun.Status.FAILED),
    }


def model_health() -> list[dict]:
    """Per model kind: champion, age, main metric against the baseline (`beats_baseline`), last run."""
    rows = ml_selectors.model_health()
    for row in rows:
        value, baseline = row["value"], row["baseline"]
        row["beats_baseline"] = (
            None
            if value is None or baseline is None
            else (value > baseline if row["higher_is_better"] else value < baseline)
        )
    return rows
