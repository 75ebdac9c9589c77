"""Markets the engine was not designed around: a wider simulator, one demand family per SKU.

`simulator.py` draws curves from the families the engine's model assumes (constant elasticity,
linear, logit with multiplicative seasons). Here every SKU gets a family that breaks one of those
assumptions, and a noise level from calm to wild (x = p / L, L the list price, A the SKU's level):

- kinked:      A x^e1 up to a kink k, then falls with a much steeper e2 (shoppers compare past k);
               e1 ~ U(-1.8, -0.8), e2 ~ U(-9, -5), k ~ U(0.85, 1.35)
- saturating:  A (1 - exp(-s (R - x))) / (1 - exp(-s (R - 1))), 0 above R: flat where demand is
               capped at low prices, steep near the reservation price R ~ U(1.3, 2), s ~ U(0.5, 4)
- reference:   A x^e (p / r_t)^g, r_t an exponentially smoothed memory of past prices (5-20 days),
               g stronger for rises (loss aversion) than for cuts: a cut sells more only for a while
- trend_shift: logit choice times a SKU's own trend (-80% to +80% a year) and a level shift on a
               random day of the run (x0.5 to x1.6), which a category's day effect does not see
- competitor:  logit choice in the gap to a competitor's price that moves on its own (AR(1) in log
               price, 3% a day), which the engine is never shown

times a weekday pattern, with a gamma day multiplier (cv 0.05 calm, 0.3 moderate, 0.7 wild) and
Poisson sales, unlimited stock. Cold start: `WARMUP_DAYS` days at the list price only.

Policies see the same draws (common random numbers) and are repriced every `reprice_days` days:
- engine: any `reprice(history, catalog, today) -> prices` (the bench passes `suggest_prices` on CSV
  files, the outside evaluations' path; `engine_reprice` calls the engine in process);
- list: the list price held; rule: weekly hill climbing (`simulator.hill_climb`);
- oracle: the best FIXED price per SKU in hindsight over the scored days, knowing the expected
  demand (reference prices at rest: r = p), the benchmark every share is taken of.
Guardrails as in `simulator.py`: floor max(0.6 L, 1.05 cost), ceiling 1.8 L, 10% per change.
Scored over the last half of the run, per family (and per noise level).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from pricing.ml import guardrails, simulator
from pricing.ml.data import Catalog, History

FAMILIES = ("kinked", "saturating", "reference", "trend_shift", "competitor")
NOISE_CV = {"calm": 0.05, "moderate": 0.3, "wild": 0.7}
WARMUP_DAYS = 28
POLICIES = ("engine", "list", "rule", "oracle")

Reprice = Callable[[History, Catalog, int], np.ndarray]


@dataclass(frozen=True)
class Market:
    sku: np.ndarray
    category: np.ndarray
    family: np.ndarray  # names from FAMILIES
    noise: np.ndarray  # names from NOISE_CV
    list_price: np.ndarray
    cost: np.ndarray
    floor: np.ndarray
    ceiling: np.ndarray
    base: np.ndarray  # A: units per average day at the list price
    shape: np.ndarray  # (n, 3) family parameters
    memory: np.ndarray  # reference family: days of price memory
    level: np.ndarray  # (n, days) trend and level shifts (1 where the family has none)
    competitor: np.ndarray  # (n, days) competitor price / list price (1 where none)

    def units(self, price: np.ndarray, t: int, reference: np.ndarray) -> np.ndarray:
        """Expected units on day t at `price` ((n,) or (n, k)) given the reference prices (n,)."""
        extra = (1,) * (np.ndim(price) - 1)

        def col(values):
            return values.reshape((-1, *extra))

        x = price / col(self.list_price)
        p1, p2, p3 = (col(self.shape[:, j]) for j in range(3))
        fam = col(self.family)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            kinked = np.where(x <= p3, x**p1, p3**p1 * (x / p3) ** p2)
            saturating = np.clip((1 - np.exp(-p2 * (p1 - x))) / (1 - np.exp(-p2 * (p1 - 1))), 0.0, None)
            gap = np.log(price / (reference if np.ndim(reference) == np.ndim(price) else col(reference)))
            reference_value = x**p1 * np.exp(np.where(gap > 0, p3, p2) * gap)
            utility = p1 - p2 * (x - 1) + p2 * p3 * (col(self.competitor[:, t]) - 1)
            logit = (1 + np.exp(-p1)) / (1 + np.exp(-utility))
        value = np.select(
            [fam == "kinked", fam == "saturating", fam == "reference"],
            [kinked, saturating, reference_value],
            logit,
        )
        weekday = simulator.WEEKDAY[(simulator.START_DAY + t) % 7]
        return col(self.base * self.level[:, t]) * value * weekday


def market_build(*, skus: int, days: int, seed: int) -> Market:
    """`skus` SKUs cycling through the families and noise levels (so every run has them all)."""
    rng = np.random.default_rng(seed)
    total = WARMUP_DAYS + days
    family = np.array([FAMILIES[i % len(FAMILIES)] for i in range(skus)], dtype=object)
    noise = np.array([list(NOISE_CV)[(i // len(FAMILIES)) % len(NOISE_CV)] for i in range(skus)], dtype=object)
    list_price = np.round(np.exp(rng.uniform(np.log(5), np.log(200), skus)), 0) - 0.01
    cost = np.round(list_price * rng.uniform(0.35, 0.7, skus), 2)
    base = np.clip(np.exp(rng.normal(np.log(5), 1.0, skus)), 0.3, 60)
    u = rng.uniform
    params = {
        "kinked": np.column_stack([u(-1.8, -0.8, skus), u(-9, -5, skus), u(0.85, 1.35, skus)]),
        "saturating": np.column_stack([u(1.3, 2.0, skus), u(0.5, 4, skus), np.zeros(skus)]),
        "reference": np.column_stack([u(-3, -1.3, skus), u(-1.5, -0.5, skus), u(-4, -1.5, skus)]),
        "trend_shift": np.column_stack([u(-1.5, 0.5, skus), u(2, 6, skus), np.zeros(skus)]),
        "competitor": np.column_stack([u(-1.5, 0.5, skus), u(2, 6, skus), u(0.5, 1.0, skus)]),
    }
    shape = np.zeros((skus, 3))
    for name, values in params.items():
        shape[family == name] = values[family == name]
    memory = u(5, 20, skus)  # reference family: days of price memory
    level = np.ones((skus, total))
    trend = family == "trend_shift"
    slope, shift_day, shift = u(-0.8, 0.8, skus), rng.integers(WARMUP_DAYS, total, skus), u(0.5, 1.6, skus)
    t = np.arange(total)[None, :]
    level[trend] = (np.exp(slope[:, None] * t / 365) * np.where(t >= shift_day[:, None], shift[:, None], 1.0))[trend]
    steps = rng.normal(0, 0.03, (skus, total))
    log_gap = np.zeros((skus, total))
    centre = u(-0.15, 0.15, skus)
    for day in range(1, total):
        log_gap[:, day] = centre + 0.97 * (log_gap[:, day - 1] - centre) + steps[:, day]
    competitor = np.where((family == "competitor")[:, None], np.exp(log_gap), 1.0)
    return Market(
        sku=np.array([f"MKT-{i:04d}" for i in range(skus)], dtype=object),
        category=np.array([f"cat-{c}" for c in rng.integers(0, 4, skus)], dtype=object),
        family=family,
        noise=noise,
        list_price=list_price,
        cost=cost,
        floor=np.ceil(np.maximum(0.6 * list_price, 1.05 * cost) * 100) / 100,
        ceiling=np.floor(1.8 * list_price * 100) / 100,
        base=base,
        shape=shape,
        memory=memory,
        level=level,
        competitor=competitor,
    )


def oracle_prices(market: Market, *, scored: range, points: int = 801) -> np.ndarray:
    """Best fixed price per SKU over the scored days, knowing the expected demand (r = p at rest)."""
    grid = np.round(
        market.floor[:, None] + (market.ceiling - market.floor)[:, None] * np.linspace(0, 1, points)[None, :], 2
    )
    total = np.zeros_like(grid)
    for t in scored:
        total += market.units(grid, t, grid)
    profit = (grid - market.cost[:, None]) * total
    return grid[np.arange(len(grid)), np.argmax(profit, axis=1)]


def engine_reprice(history: History, catalog: Catalog, today: int) -> np.ndarray:
    """The engine in process (tests); the bench goes through `suggest_prices` instead."""
    from pricing.ml import engine

    return engine.suggest(history=history, catalog=catalog, today=today).suggested_price


@dataclass
class Run:
    prices: np.ndarray  # (n, total)
    units: np.ndarray
    violations: int = 0


def run(
    market: Market, *, policy: str, seed: int, reprice_days: int = 3, reprice: Reprice | None = None, oracle=None
) -> Run:
    """One policy through the whole run (warm-up at the list price, then repriced every `reprice_days`)."""
    n, total = len(market.sku), market.level.shape[1]
    rng = np.random.default_rng(seed + 1_000_003)
    cv = np.array([NOISE_CV[name] for name in market.noise])
    shocks = rng.gamma((1 / cv**2)[:, None], (cv**2)[:, None], (n, total))
    quantile = rng.uniform(0.0005, 0.9995, (n, total))
    prices, units = np.full((n, total), np.nan), np.full((n, total), np.nan)
    current, reference = market.list_price.copy(), market.list_price.copy()
    last_change = np.full(n, np.nan)
    direction = np.ones(n)
    out = Run(prices=prices, units=units)
    for t in range(total):
        day = simulator.START_DAY + t
        price = current
        live = t - WARMUP_DAYS
        if live >= 0 and policy != "list":
            catalog = Catalog.build(
                sku=market.sku,
                cost=market.cost,
                min_price=market.floor,
                max_price=market.ceiling,
                current_price=current,
                category=market.category,
                max_change_pct=np.full(n, 10.0),
                last_change_day=last_change,
            )
            limits = guardrails.bounds(catalog, today=day)
            if policy == "oracle":
                price = guardrails.clamp(oracle, limits)
            elif policy == "rule":
                if live >= 14 and live % 7 == 0:
                    price, direction = simulator.hill_climb(market.cost, prices, units, t, current, direction)
                    price = guardrails.clamp(price, limits)
            elif live % reprice_days == 0:
                price = np.asarray(reprice(_history(market, prices, units, t), catalog, day), dtype=np.float64)
            out.violations += int(guardrails.violations(price, catalog, today=day).sum())
        last_change = np.where(np.abs(price - current) > 0.005, day, last_change)
        current = price
        lam = market.units(price, t, reference) * shocks[:, t]
        prices[:, t], units[:, t] = price, stats.poisson.ppf(quantile[:, t], lam)
        reference = reference + (price - reference) / market.memory
    return out


def _history(market: Market, prices: np.ndarray, units: np.ndarray, t: int) -> History:
    n = len(market.sku)
    return History.build(
        sku=np.repeat(market.sku, t),
        day=np.tile(simulator.START_DAY + np.arange(t), n),
        price=prices[:, :t].ravel(),
        units=units[:, :t].ravel(),
    )


def evaluate(*, skus: int = 40, days: int = 120, seed: int = 0, reprice_days: int = 3, reprice: Reprice) -> dict:
    """Every policy on one market; profit over the last half per family, as shares of the oracle's."""
    market = market_build(skus=skus, days=days, seed=seed)
    scored = range(WARMUP_DAYS + days // 2, WARMUP_DAYS + days)
    oracle = oracle_prices(market, scored=scored)
    runs = {
        name: run(market, policy=name, seed=seed, reprice_days=reprice_days, reprice=reprice, oracle=oracle)
        for name in POLICIES
    }
    profit = {
        name: ((r.prices[:, scored] - market.cost[:, None]) * r.units[:, scored]).sum(axis=1)
        for name, r in runs.items()
    }
    groups = {"all": np.ones(skus, dtype=bool)}
    groups |= {name: market.family == name for name in FAMILIES}
    groups |= {f"noise:{name}": market.noise == name for name in NOISE_CV}
    shares = {
        group: {name: float(profit[name][rows].sum() / profit["oracle"][rows].sum()) for name in POLICIES}
        for group, rows in groups.items()
        if rows.any()
    }
    return {
        "skus": skus,
        "days": days,
        "seed": seed,
        "reprice_days": reprice_days,
        "profit_share": shares,
        "violations": {name: r.violations for name, r in runs.items()},
    }
