"""Guardrails: the set of prices a SKU may get today, and the final clamp into it.

Every suggested price goes through `clamp` as the LAST step (after the optimiser and exploration),
so no model, bug in a forecast or exploration step can produce a price outside the guardrails.

Rules, per SKU (Catalog fields):
- hard bounds: `min_price` <= price <= `max_price`, and price >= cost x (1 + `min_margin_pct`/100);
- change limits: |new/current - 1| <= `max_change_pct`/100 per update, and
  |new/price_week_ago - 1| <= `max_weekly_change_pct`/100 over a rolling week;
- time: no change within `min_days_between_changes` days of `last_change_day`;
- `frozen`: no change at all (e.g. during a promotion).

Precedence when rules conflict: a frozen or too-recently-changed price is held as it is, and so is a
price whose hard bounds leave no whole-cent price (margin floor above the ceiling); otherwise
when the current price already lies outside the hard bounds (staff moved a bound), the hard bound
wins over the change limits, i.e. the price moves to the nearest bound. Prices are whole cents:
bounds are rounded inwards, so rounding can never push a price outside them.
"""

from dataclasses import dataclass

import numpy as np

from pricing.ml.data import Catalog


@dataclass(frozen=True)
class Bounds:
    low: np.ndarray  # cents, int64
    high: np.ndarray  # cents, int64
    locked: np.ndarray  # bool: price must stay as it is (frozen or changed too recently)
    hard_low: np.ndarray  # cents
    hard_high: np.ndarray  # cents


def _cents_up(value: np.ndarray) -> np.ndarray:
    return np.ceil(np.round(value * 100, 6)).astype(np.int64)


def _cents_down(value: np.ndarray) -> np.ndarray:
    return np.floor(np.round(value * 100, 6)).astype(np.int64)


def _limit(base: np.ndarray, pct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) allowed by a relative limit around `base`; NaN limit or base means no limit."""
    active = np.isfinite(pct) & np.isfinite(base)
    share = np.where(active, pct, 0.0) / 100.0
    low = np.where(active, base * (1 - share), -np.inf)
    high = np.where(active, base * (1 + share), np.inf)
    return low, high


def bounds(catalog: Catalog, *, today: int) -> Bounds:
    current = catalog.current_price
    hard_low = np.maximum(catalog.min_price, catalog.cost * (1 + np.nan_to_num(catalog.min_margin_pct) / 100.0))
    hard_low_c, hard_high_c = _cents_up(hard_low), _cents_down(catalog.max_price)
    update_low, update_high = _limit(current, catalog.max_change_pct)
    week_low, week_high = _limit(catalog.price_week_ago, catalog.max_weekly_change_pct)
    low = _cents_up(np.maximum(np.maximum(hard_low, update_low), week_low))
    high = _cents_down(np.minimum(np.minimum(catalog.max_price, update_high), week_high))
    since = today - catalog.last_change_day
    too_soon = (catalog.min_days_between_changes > 0) & np.isfinite(since) & (since < catalog.min_days_between_changes)
    no_price = hard_low_c > hard_high_c  # e.g. the margin floor above the ceiling: no price is allowed
    locked = catalog.frozen.astype(bool) | too_soon | no_price
    current_c = np.round(current * 100).astype(np.int64)
    # Conflicts: the hard bounds win; inside them, an empty change window holds the current price.
    empty = low > high
    target = np.clip(current_c, hard_low_c, np.maximum(hard_low_c, hard_high_c))
    low = np.where(empty, target, low)
    high = np.where(empty, target, high)
    low = np.where(locked, current_c, low)
    high = np.where(locked, current_c, high)
    return Bounds(low=low, high=high, locked=locked, hard_low=hard_low_c, hard_high=hard_high_c)


def clamp(prices: np.ndarray, limits: Bounds) -> np.ndarray:
    """Whole-cent prices inside the bounds: the last step of every suggestion. NaN becomes the low bound,
    infinities the nearest bound."""
    finite = np.clip(np.nan_to_num(np.asarray(prices, dtype=np.float64), nan=-1.0), -1e12, 1e12)
    cents = np.round(finite * 100).astype(np.int64)
    return np.clip(cents, limits.low, limits.high) / 100.0


def violations(new_prices: np.ndarray, catalog: Catalog, *, today: int) -> np.ndarray:
    """Per SKU, how many rules `new_prices` break, checked from the rules themselves (not from `bounds`).

    Change limits are only judged where the current price lies inside the hard bounds (outside them
    the hard bounds take precedence, see the module docstring). Half a cent of tolerance for floats.
    """
    new = np.asarray(new_prices, dtype=np.float64)
    eps = 0.005
    current = catalog.current_price
    hard_low = np.maximum(catalog.min_price, catalog.cost * (1 + np.nan_to_num(catalog.min_margin_pct) / 100.0))
    changed = np.abs(new - current) > eps
    # Inside the hard bounds as whole-cent prices, as `bounds` judges it: 1.62 is below a 1.625 floor.
    current_c = np.round(current * 100)
    inside = (current_c >= _cents_up(hard_low)) & (current_c <= _cents_down(catalog.max_price))
    count = np.zeros(len(new), dtype=np.int64)
    count += ~np.isfinite(new)
    count += changed & (new < hard_low - eps)
    count += changed & (new > catalog.max_price + eps)
    count += changed & catalog.frozen.astype(bool)
    since = today - catalog.last_change_day
    count += changed & (catalog.min_days_between_changes > 0) & (since < catalog.min_days_between_changes)
    with np.errstate(invalid="ignore"):
        step = np.abs(new / current - 1) * 100
        week = np.abs(new / catalog.price_week_ago - 1) * 100
    tolerance = eps / np.maximum(current, 0.01) * 100
    count += changed & inside & np.isfinite(catalog.max_change_pct) & (step > catalog.max_change_pct + tolerance)
    count += (
        changed
        & inside
        & np.isfinite(catalog.max_weekly_change_pct)
        & (week > catalog.max_weekly_change_pct + tolerance)
    )
    count += np.abs(new * 100 - np.round(new * 100)) > 1e-6
    return count
