"""Choosing a price: evaluate a grid of candidates inside the guardrails, pick the best expected
objective, add a small bounded price test where the elasticity is still uncertain.

Objectives (per day, over a `horizon_days` stock horizon):
- profit (default): (price - cost) x expected sales;
- revenue: price x expected sales;
- sell_through: clear the stock within `clear_days`: the highest price whose expected units over
  `clear_days` cover the stock (most revenue among those), the lowest candidate if none does.

Expected sales are capped by the stock at hand: min(horizon x units, stock) / horizon. Inventory:
- stock short of the horizon's forecast at the current price: no candidate below the current price
  (hold, or raise, rather than sell out cheaply);
- overstocked (stock covers more than `overstock_days` of forecast): units are costed at
  `overstock_cost_share` x cost, which moves the profit optimum towards clearing.

Exploration: where the elasticity's standard error exceeds `explore_threshold` (too little price
variation in the history to know it), the chosen price is moved by +/- delta, delta =
min(explore_max, explore_scale x stderr), the sign alternating by day and SKU (deterministic).
With a constant-elasticity curve a +/-5% test costs about e/2 x 0.05^2, under 1% of profit, and each
test day adds price variation, so the standard error, and the tests, shrink as data comes in.
"""

from dataclasses import dataclass
from zlib import crc32

import numpy as np

OBJECTIVES = ("profit", "revenue", "sell_through")
GRID_SIZE = 41


@dataclass(frozen=True)
class Settings:
    objective: str = "profit"
    horizon_days: int = 7
    overstock_days: int = 90
    overstock_cost_share: float = 0.8
    clear_days: int = 30
    explore_threshold: float = 0.15
    explore_scale: float = 0.12
    explore_max: float = 0.06


def grid(low_cents: np.ndarray, high_cents: np.ndarray, current: np.ndarray) -> np.ndarray:
    """(n, GRID_SIZE + 1) candidate prices: geometric between the bounds, plus the current price (clipped)."""
    low = low_cents / 100.0
    high = high_cents / 100.0
    steps = np.linspace(0.0, 1.0, GRID_SIZE)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(low > 0, high / low, 1.0)
    candidates = low[:, None] * ratio[:, None] ** steps[None, :]
    held = np.clip(current, low, high)
    return np.round(np.concatenate([candidates, held[:, None]], axis=1), 2)


def objective_values(
    *,
    prices: np.ndarray,
    units: np.ndarray,
    cost: np.ndarray,
    stock: np.ndarray,
    current: np.ndarray,
    units_now: np.ndarray,
    settings: Settings,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, sales per day, inventory state per SKU: -1 short, 0 normal, 1 overstocked)."""
    horizon = settings.horizon_days
    known = np.isfinite(stock)
    capped = np.minimum(units * horizon, np.where(known, stock, np.inf)[:, None]) / horizon
    sales = np.where(known[:, None], capped, units)
    with np.errstate(invalid="ignore"):
        short = known & (stock < horizon * units_now)
        over = known & (stock > settings.overstock_days * units_now)
    state = np.where(short, -1, np.where(over, 1, 0))
    if settings.objective == "revenue":
        values = prices * sales
    elif settings.objective == "sell_through":
        revenue = prices * sales
        clears = (units * settings.clear_days >= stock[:, None]) | ~known[:, None]
        any_clear = clears.any(axis=1)
        values = np.where(clears, revenue, -np.inf)
        fallback = -prices  # nothing clears: the lowest price
        values = np.where(any_clear[:, None], values, fallback)
    else:
        unit_cost = np.where(over, cost * settings.overstock_cost_share, cost)
        values = (prices - unit_cost[:, None]) * sales
    values = np.where(short[:, None] & (prices < current[:, None] - 0.005), -np.inf, values)
    return values, sales, state


def explore_deltas(*, skus: np.ndarray, stderr: np.ndarray, today: int, settings: Settings) -> np.ndarray:
    """Signed relative price tests per SKU (0 where the elasticity is known well enough)."""
    size = np.minimum(settings.explore_max, settings.explore_scale * stderr)
    size = np.where(stderr > settings.explore_threshold, size, 0.0)
    sign = np.array([1.0 if (crc32(str(s).encode()) + today) % 2 else -1.0 for s in skus])
    return sign * size
