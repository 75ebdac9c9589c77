"""A market with known demand curves, to measure the engine against the best possible prices.

Each SKU gets one demand family (expected units per day at price p, list price L):
- constant elasticity:  A (p/L)^e,                        e ~ U(-4, -1.3)
- linear:               A max(0, 1 - k (p/L - 1)),        k ~ U(1, 3)
- logit choice:         A s(u - a (p/L - 1)) / s(u),      s the logistic function, a ~ U(2, 6), u ~ U(-1.5, 0.5)
times a yearly season of its category (amplitude up to 30%), a weekday pattern and a 10% trend,
with gamma noise (cv 0.2) and Poisson sales, capped by stock (stock-outs: weekly restocking up to
four weeks of the SKU's recent sales; 10% of SKUs only get half of that). Cost is 35-70% of L,
guardrails: floor max(0.6 L, 1.05 cost), ceiling 1.8 L, at most 10% change per update.

Policies, all facing the SAME demand draws (common random numbers: a Poisson quantile per SKU and
day), each with its own stock:
- engine: `engine.suggest`, the function behind `suggest_prices`, called every day from a cold
  start (28 days of history at list price); the LightGBM trees are refitted every `refit_days` days
  (the elasticities, which drive the price, every day);
- list: the list price held fixed;
- rule: weekly hill climbing on profit: keep moving 5% in the direction that raised last week's
  profit, turn around when it fell (within the same guardrails);
- oracle: the best fixed price per SKU knowing the true curve (grid search inside floor/ceiling);
- oracle_dynamic: the best price per day knowing the true curve and that day's season. With these
  multiplicative seasons it equals the fixed oracle (the optimum of c(t) D(p) does not move with
  c(t)); it is run anyway, as a check.
Reported over the last half of the run: profit and revenue, and their share of the oracle's.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from pricing.ml import engine, guardrails
from pricing.ml.data import Catalog, History

WARMUP_DAYS = 28
START_DAY = 739000  # 2024-04-25 as an ordinal; any day works
WEEKDAY = np.array([1.0, 0.9, 0.86, 0.88, 0.94, 1.02, 1.25])  # by ordinal % 7 (0 = Sunday)
POLICIES = ("engine", "list", "rule", "oracle", "oracle_dynamic")


@dataclass(frozen=True)
class Market:
    sku: np.ndarray
    category: np.ndarray
    list_price: np.ndarray
    cost: np.ndarray
    family: np.ndarray  # 0 constant elasticity, 1 linear, 2 logit
    shape: np.ndarray  # e, k or a
    utility: np.ndarray  # u (logit)
    base: np.ndarray  # A: units per day at the list price on an average day
    season_amp: np.ndarray
    season_peak: np.ndarray
    supply: np.ndarray
    floor: np.ndarray
    ceiling: np.ndarray

    def curve(self, price: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Expected units per average day at `price` ((n,) or (n, k)) before season and noise."""
        rows = np.arange(len(self.sku)) if rows is None else rows
        shape = (rows.shape[0],) + (1,) * (np.ndim(price) - 1)
        rel = price / self.list_price[rows].reshape(shape)
        s = self.shape[rows].reshape(shape)
        fam = self.family[rows].reshape(shape)
        u = self.utility[rows].reshape(shape)
        with np.errstate(over="ignore", divide="ignore"):
            ce = rel**s
            lin = np.maximum(0.0, 1 - s * (rel - 1))
            logit = (1 / (1 + np.exp(-(u - s * (rel - 1))))) * (1 + np.exp(-u))
        shape_value = np.where(fam == 0, ce, np.where(fam == 1, lin, logit))
        return self.base[rows].reshape(shape) * shape_value

    def season(self, day: int, t: int, days: int) -> np.ndarray:
        doy = day % 365
        yearly = 1 + self.season_amp * np.cos(2 * np.pi * (doy - self.season_peak) / 365)
        return yearly * WEEKDAY[day % 7] * (1 + 0.1 * t / max(days, 1))


def market_build(*, skus: int, seed: int) -> Market:
    rng = np.random.default_rng(seed)
    categories = np.array([f"cat-{c}" for c in range(6)])
    category_of = rng.integers(0, len(categories), skus)
    amp = rng.uniform(0.0, 0.3, len(categories))[category_of]
    peak = rng.uniform(0, 365, len(categories))[category_of]
    list_price = np.round(np.exp(rng.uniform(np.log(5), np.log(200), skus)), 0) - 0.01
    cost = np.round(list_price * rng.uniform(0.35, 0.7, skus), 2)
    family = rng.integers(0, 3, skus)
    shape = np.where(family == 0, rng.uniform(-4, -1.3, skus), np.where(family == 1, rng.uniform(1, 3, skus), 0.0))
    shape = np.where(family == 2, rng.uniform(2, 6, skus), shape)
    utility = rng.uniform(-1.5, 0.5, skus)
    base = np.clip(np.exp(rng.normal(np.log(6), 0.9, skus)), 0.5, 80)
    supply = np.where(rng.random(skus) < 0.1, 0.5, 1.0)
    floor = np.ceil(np.maximum(0.6 * list_price, 1.05 * cost) * 100) / 100
    ceiling = np.floor(1.8 * list_price * 100) / 100
    return Market(
        sku=np.array([f"SIM-{i:04d}" for i in range(skus)], dtype=object),
        category=categories[category_of].astype(object),
        list_price=list_price,
        cost=cost,
        family=family,
        shape=shape,
        utility=utility,
        base=base,
        season_amp=amp,
        season_peak=peak,
        supply=supply,
        floor=floor,
        ceiling=ceiling,
    )


def oracle_prices(market: Market, *, points: int = 2001) -> np.ndarray:
    """Best fixed price per SKU knowing the curve: the grid point of highest (p - cost) D(p) in [floor, ceiling]."""
    steps = np.linspace(0, 1, points)
    grid = np.round(market.floor[:, None] + (market.ceiling - market.floor)[:, None] * steps[None, :], 2)
    profit = (grid - market.cost[:, None]) * market.curve(grid)
    return grid[np.arange(len(grid)), np.argmax(profit, axis=1)]


@dataclass
class Run:
    """One policy's trajectory."""

    name: str
    prices: np.ndarray  # (n, days)
    units: np.ndarray
    violations: int = 0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


class Simulation:
    def __init__(
        self, *, skus: int = 200, days: int = 180, seed: int = 0, refit_days: int = 7, objective: str = "profit"
    ):
        self.market = market_build(skus=skus, seed=seed)
        self.days = days
        self.refit_days = refit_days
        self.objective = objective
        rng = np.random.default_rng(seed + 1_000_003)
        total = WARMUP_DAYS + days
        # Common random numbers: every policy sees the same draws for (sku, day).
        self.noise = rng.gamma(25.0, 1 / 25.0, (skus, total))
        self.quantile = rng.uniform(0.0005, 0.9995, (skus, total))
        self.view_noise = rng.gamma(10.0, 1 / 10.0, (skus, total))

    # --- the world ---------------------------------------------------------------------------

    def day_of(self, t: int) -> int:
        return START_DAY + t  # t counts from the first warm-up day

    def demand(self, price: np.ndarray, t: int) -> np.ndarray:
        m = self.market
        return m.curve(price) * m.season(self.day_of(t), t, WARMUP_DAYS + self.days)

    def run(self, name: str) -> Run:
        m = self.market
        n, total = len(m.sku), WARMUP_DAYS + self.days
        prices = np.full((n, total), np.nan)
        units = np.full((n, total), np.nan)
        stocks = np.full((n, total), np.nan)
        views = np.full((n, total), np.nan)
        stock = np.round(35 * m.base)
        current = m.list_price.copy()
        last_change = np.full(n, np.nan)
        run = Run(name=name, prices=prices, units=units)
        fixed = oracle_prices(m) if name == "oracle" else None
        trees = None
        direction = np.ones(n)
        started = time.perf_counter()
        for t in range(total):
            day = self.day_of(t)
            live = t >= WARMUP_DAYS
            if t % 7 == 0:
                recent = np.nanmean(units[:, max(0, t - 28) : t], axis=1) if t else m.base
                target = np.round(m.supply * 28 * np.maximum(np.nan_to_num(recent, nan=1.0), 0.2)) + 3
                stock = np.maximum(stock, target)
            if not live or name == "list":
                price = m.list_price.copy()
            elif name == "oracle":
                price = fixed
            elif name == "oracle_dynamic":
                price = self._dynamic_best(t)
            else:
                catalog = Catalog.build(
                    sku=m.sku,
                    cost=m.cost,
                    min_price=m.floor,
                    max_price=m.ceiling,
                    current_price=current,
                    stock=stock,
                    category=m.category,
                    max_change_pct=np.full(n, 10.0),
                    last_change_day=last_change,
                )
                if name == "engine":
                    history = self._history(prices, units, views, stocks, t)
                    fresh = trees is None or (t - WARMUP_DAYS) % self.refit_days == 0
                    result = engine.suggest(
                        history=history,
                        catalog=catalog,
                        objective=self.objective,
                        today=day,
                        trees=None if fresh else trees,
                    )
                    trees = result.fitted.trees
                    price = result.suggested_price
                else:
                    price, direction = self._rule(t, current, direction, prices, units)
                    price = guardrails.clamp(price, guardrails.bounds(catalog, today=day))
                run.violations += int(guardrails.violations(price, catalog, today=day).sum())
            last_change = np.where(np.abs(price - current) > 0.005, day, last_change)
            current = price
            lam = self.demand(price, t) * self.noise[:, t]
            sold = np.minimum(stats.poisson.ppf(self.quantile[:, t], lam), stock)
            prices[:, t], units[:, t], stocks[:, t] = price, sold, stock
            views[:, t] = np.round(8 * self.demand(m.list_price, t) * self.view_noise[:, t])
            stock = stock - sold
        run.seconds = time.perf_counter() - started
        return run

    def _dynamic_best(self, t: int) -> np.ndarray:
        m = self.market
        grid = np.round(m.floor[:, None] + (m.ceiling - m.floor)[:, None] * np.linspace(0, 1, 801)[None, :], 2)
        profit = (
            (grid - m.cost[:, None]) * m.curve(grid) * m.season(self.day_of(t), t, WARMUP_DAYS + self.days)[:, None]
        )
        return grid[np.arange(len(grid)), np.argmax(profit, axis=1)]

    def _rule(self, t, current, direction, prices, units):
        if (t - WARMUP_DAYS) % 7 or t - WARMUP_DAYS < 14:
            return current, direction
        return hill_climb(self.market.cost, prices, units, t, current, direction)

    def _history(self, prices, units, views, stocks, t) -> History:
        n = prices.shape[0]
        days = np.broadcast_to(self.day_of(0) + np.arange(t), (n, t))
        skus = np.broadcast_to(self.market.sku[:, None], (n, t))
        return History.build(
            sku=skus.ravel(),
            day=days.ravel(),
            price=prices[:, :t].ravel(),
            units=units[:, :t].ravel(),
            views=views[:, :t].ravel(),
            stock=stocks[:, :t].ravel(),
        )

    # --- scoring -----------------------------------------------------------------------------

    def score(self, runs: dict[str, Run]) -> dict:
        m = self.market
        half = WARMUP_DAYS + self.days // 2
        out = {}
        for name, run in runs.items():
            p, u = run.prices[:, half:], run.units[:, half:]
            out[name] = {
                "profit": float(((p - m.cost[:, None]) * u).sum()),
                "revenue": float((p * u).sum()),
                "units": float(u.sum()),
                "violations": run.violations,
                "seconds": round(run.seconds, 2),
            }
        oracle = out["oracle"]
        for values in out.values():
            values["profit_share"] = values["profit"] / oracle["profit"]
            values["revenue_share"] = values["revenue"] / oracle["revenue"]
        return out


def hill_climb(cost, prices, units, t, current, direction) -> tuple[np.ndarray, np.ndarray]:
    """The rule baseline's weekly step: keep moving 5% in the direction that raised last week's profit,
    turn around when it fell (prices and units (n, days), `t` today's column)."""
    this_week = ((prices[:, t - 7 : t] - cost[:, None]) * units[:, t - 7 : t]).sum(axis=1)
    last_week = ((prices[:, t - 14 : t - 7] - cost[:, None]) * units[:, t - 14 : t - 7]).sum(axis=1)
    direction = np.where(this_week >= last_week, direction, -direction)
    return current * (1 + 0.05 * direction), direction


def simulate(*, skus: int = 200, days: int = 180, seed: int = 0, refit_days: int = 7, policies=POLICIES) -> dict:
    simulation = Simulation(skus=skus, days=days, seed=seed, refit_days=refit_days)
    runs = {name: simulation.run(name) for name in dict.fromkeys(("oracle", *policies))}
    engine_seconds = runs["engine"].seconds if "engine" in runs else 0.0
    return {
        "skus": skus,
        "days": days,
        "seed": seed,
        "refit_days": refit_days,
        "engine_seconds_per_day": engine_seconds / max(days, 1),
        "policies": simulation.score(runs),
    }
