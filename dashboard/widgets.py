"""The dashboard's widgets: who sees each one (a permission, not a group name) and its cached figures.

Each widget's figures are one cache entry, computed at most once a minute (CACHE_SECONDS) whoever
asks, so the dashboard stays fast on a large store. A widget the user has no permission for is
neither computed nor shown, so each staff role gets its own view from whatever groups exist:
fulfilment (can change orders) sees the orders to ship, support (can view tickets) the tickets.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from dashboard import selectors
from orders import selectors as orders_selectors

CACHE_SECONDS = 60


@dataclass(frozen=True)
class Widget:
    name: str
    permission: str
    load: Callable[[], Any]
    available: Callable[[], bool] = lambda: True  # e.g. only once the order workflow has the status

    def data(self) -> Any:
        return cache.get_or_set(f"dashboard:widget:{self.name}", self.load, CACHE_SECONDS)


SALES = Widget("sales", "orders.view_order", selectors.sales_kpis)
ATTENTION = (
    Widget("orders_to_ship", "orders.change_order", selectors.orders_to_ship),
    Widget(
        "orders_on_hold",
        "orders.change_order",
        selectors.orders_on_hold,
        available=lambda: orders_selectors.order_status_exists(selectors.ON_HOLD),
    ),
    Widget("low_stock", "shop.view_variant", selectors.low_stock),
    Widget("reviews_to_moderate", "sentiment.view_reviewsentiment", selectors.reviews_to_moderate),
    Widget("open_tickets", "support.view_ticket", selectors.open_tickets),
    Widget("pricing_suggestions", "pricing.view_pricesuggestion", selectors.pricing_suggestions),
    Widget("failed_training_runs", "ml.view_trainingrun", selectors.failed_training_runs),
)
MODELS = Widget("models", "ml.view_modelversion", selectors.model_health)


def _shown(widget: Widget, user) -> bool:
    return user.has_perm(widget.permission) and widget.available()


def dashboard_for(user) -> dict:
    """What `user` may see: `sales` (KPIs per period) and `models` (model health), None when not
    permitted, and `attention` (the items the user may act on, in a fixed order)."""
    return {
        "sales": SALES.data() if _shown(SALES, user) else None,
        "attention": [widget.data() for widget in ATTENTION if _shown(widget, user)],
        "models": MODELS.data() if _shown(MODELS, user) else None,
    }
