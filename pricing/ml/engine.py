"""One pricing run: history + catalog in, a suggestion per SKU out (the function every caller uses).

    result = suggest(history=..., catalog=..., objective="profit")

Steps: fit the elasticities (and the trees, unless a trained booster is passed), compute the
guardrails' bounds, evaluate a grid of candidate prices, pick the best objective, add a bounded
price test where the elasticity is uncertain, CLAMP into the guardrails (always the last step on
the price), then forecast at the chosen price with a band and explain it.
"""

import time
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import stats

from pricing.ml import demand, explain, guardrails, optimiser
from pricing.ml.data import Catalog, History

BAND_QUANTILES = (0.1, 0.9)


@dataclass(frozen=True)
class Suggestions:
    sku: np.ndarray
    current_price: np.ndarray
    suggested_price: np.ndarray
    cost: np.ndarray
    expected_units: np.ndarray  # per day at the suggested price (capped by stock)
    units_low: np.ndarray
    units_high: np.ndarray
    current_units: np.ndarray  # per day at the current price
    elasticity: np.ndarray
    explored: np.ndarray  # relative price test applied (0 for none)
    reasons: list[str]
    contributions: list[dict[str, float]]
    today: int
    objective: str
    fitted: demand.Fitted
    limits: guardrails.Bounds
    seconds: float

    @property
    def expected_revenue(self) -> np.ndarray:
        return self.suggested_price * self.expected_units

    @property
    def expected_profit(self) -> np.ndarray:
        return (self.suggested_price - self.cost) * self.expected_units

    @property
    def current_revenue(self) -> np.ndarray:
        return self.current_price * self.current_units

    @property
    def current_profit(self) -> np.ndarray:
        return (self.current_price - self.cost) * self.current_units

    def rows(self) -> list[dict]:
        """The `suggest_prices` CSV rows."""
        return [
            {
                "sku": self.sku[i],
                "suggested_price": f"{self.suggested_price[i]:.2f}",
                "expected_units": f"{self.expected_units[i]:.3f}",
                "expected_revenue": f"{self.expected_revenue[i]:.2f}",
                "expected_profit": f"{self.expected_profit[i]:.2f}",
                "reason": self.reasons[i],
            }
            for i in range(len(self.sku))
        ]


def _today(history: History) -> int:
    return int(history.day.max()) + 1 if len(history) else date.today().toordinal()


def suggest(
    *,
    history: History,
    catalog: Catalog,
    objective: str = "profit",
    today: int | None = None,
    params: dict | None = None,
    trees: demand.Booster | None = None,
    settings: optimiser.Settings | None = None,
    explore: bool = True,
) -> Suggestions:
    """Suggest a price per catalog SKU for `today` (default: the day after the history ends)."""
    started = time.perf_counter()
    if objective not in optimiser.OBJECTIVES:
        raise ValueError(f"Unknown objective {objective!r}; choose one of {', '.join(optimiser.OBJECTIVES)}.")
    settings = settings or optimiser.Settings()
    settings = optimiser.Settings(**{**settings.__dict__, "objective": objective})
    today = _today(history) if today is None else today
    fitted = demand.fitted_build(history, catalog, params=params, trees=trees)
    n = len(catalog)
    rows = np.arange(n)
    col = today - fitted.panel.first_day
    stock = catalog.stock
    limits = guardrails.bounds(catalog, today=today)
    candidates = optimiser.grid(limits.low, limits.high, catalog.current_price)
    k = candidates.shape[1]
    flat_rows = np.repeat(rows, k)
    units = fitted.units(flat_rows, np.full(n * k, col), candidates.ravel(), np.repeat(stock, k)).reshape(n, k)
    units_now = fitted.units(rows, np.full(n, col), catalog.current_price, stock)
    values, _, state = optimiser.objective_values(
        prices=candidates,
        units=units,
        cost=catalog.cost,
        stock=stock,
        current=catalog.current_price,
        units_now=units_now,
        settings=settings,
    )
    best = candidates[rows, np.argmax(values, axis=1)]
    deltas = np.zeros(n)
    if explore:
        deltas = optimiser.explore_deltas(skus=catalog.sku, stderr=fitted.est.stderr, today=today, settings=settings)
        deltas = np.where(state == 0, deltas, 0.0)
    final = guardrails.clamp(best * (1 + deltas), limits)  # the last step on the price
    matrix = fitted.matrix(rows, np.full(n, col), final, stock)
    raw_units = np.exp(np.clip(fitted.offset(rows, final) + fitted.trees.raw(matrix), -30, 40))
    sales = _stock_capped(raw_units, stock, settings.horizon_days)
    sales_now = _stock_capped(units_now, stock, settings.horizon_days)
    low, high = _band(raw_units, fitted, rows, final, catalog.current_price)
    contributions = explain.contributions_grouped(fitted.trees.contributions(matrix))
    elasticity = fitted.est.elasticity
    reasons = [
        _reason(
            i,
            catalog=catalog,
            final=final,
            best=best,
            delta=deltas[i],
            limits=limits,
            elasticity=elasticity[i],
            contributions=contributions[i],
            state=int(state[i]),
            units=raw_units[i],
            today=today,
            objective=objective,
        )
        for i in range(n)
    ]
    return Suggestions(
        sku=catalog.sku,
        current_price=catalog.current_price,
        suggested_price=final,
        cost=catalog.cost,
        expected_units=sales,
        units_low=np.minimum(low, sales),
        units_high=np.maximum(high, sales),
        current_units=sales_now,
        elasticity=elasticity,
        explored=np.where(np.abs(final - best) > 0.005, deltas, 0.0),
        reasons=reasons,
        contributions=contributions,
        today=today,
        objective=objective,
        fitted=fitted,
        limits=limits,
        seconds=time.perf_counter() - started,
    )


def _stock_capped(units: np.ndarray, stock: np.ndarray, horizon: int) -> np.ndarray:
    return np.where(np.isfinite(stock), np.minimum(units * horizon, np.nan_to_num(stock)) / horizon, units)


def _band(units, fitted: demand.Fitted, rows, price, current) -> tuple[np.ndarray, np.ndarray]:
    """10-90% band of one day's units: negative binomial noise around a mean that itself moves with
    the elasticity's uncertainty (+/- 1.28 standard errors over the price move from the usual price)."""
    move = np.abs(np.log(price / fitted.panel.usual_price[rows])) + np.abs(np.log(price / current))
    spread = np.exp(1.28 * fitted.est.stderr[rows] * move)
    phi = max(fitted.trees.dispersion, 1e-3)
    lo_mean, hi_mean = units / spread, units * spread
    size = 1.0 / phi
    lo = stats.nbinom.ppf(BAND_QUANTILES[0], size, size / (size + lo_mean))
    hi = stats.nbinom.ppf(BAND_QUANTILES[1], size, size / (size + hi_mean))
    return np.nan_to_num(lo), np.nan_to_num(hi)


def _reason(
    i, *, catalog, final, best, delta, limits, elasticity, contributions, state, units, today, objective
) -> str:
    current = catalog.current_price[i]
    change = final[i] / current - 1
    if limits.locked[i]:
        if catalog.frozen[i]:
            why = "price frozen"
        elif limits.hard_low[i] > limits.hard_high[i]:
            why = "no price satisfies the guardrails (floor or margin above the ceiling)"
        else:
            why = "changed too recently"
        action = f"Hold at {current:.2f}: {why}"
    elif abs(change) < 0.0005:
        action = f"Hold at {current:.2f}"
    else:
        action = f"{'Raise' if change > 0 else 'Lower'} {abs(change) * 100:.1f}% from {current:.2f} to {final[i]:.2f}"
    parts = [action, f"price elasticity {elasticity:.1f}"]
    target = {"profit": "profit", "revenue": "revenue", "sell_through": "sell-through"}[objective]
    if not limits.locked[i]:
        parts.append(f"best expected {target} at {best[i]:.2f}")
        cents = round(final[i] * 100)
        if cents == limits.high[i] and best[i] * (1 + delta) > final[i] + 0.005:
            parts.append("capped by the guardrails (ceiling or max change)")
        elif cents == limits.low[i] and best[i] * (1 + delta) < final[i] - 0.005:
            parts.append("held up by the guardrails (floor, margin or max change)")
    if delta and abs(final[i] - best[i]) > 0.005:
        parts.append(f"price test {delta * 100:+.0f}% to learn the elasticity (little price variation so far)")
    stock_text = explain.stock_phrase(stock=catalog.stock[i], daily_units=units, state=state)
    if stock_text:
        parts.append(stock_text)
    parts.extend(explain.context_phrases(contributions, day=today))
    return "; ".join(parts)


def curves(result: Suggestions, catalog: Catalog, *, points: int = 25) -> dict[str, np.ndarray]:
    """Demand curves for the charts: per SKU, `points` prices across the hard bounds (floor to ceiling,
    ignoring the change limits) with the expected units and profit per day at each."""
    limits = result.limits
    low = np.minimum(limits.hard_low, limits.low) / 100.0
    high = np.maximum(np.maximum(limits.hard_high, limits.high) / 100.0, low)
    prices = np.round(low[:, None] + (high - low)[:, None] * np.linspace(0, 1, points)[None, :], 2)
    n = len(catalog)
    col = result.today - result.fitted.panel.first_day
    rows = np.repeat(np.arange(n), points)
    units = result.fitted.units(rows, np.full(n * points, col), prices.ravel(), np.repeat(catalog.stock, points))
    units = units.reshape(n, points)
    return {"prices": prices, "units": units, "profit": (prices - catalog.cost[:, None]) * units}
