"""The pricing app's evaluation protocol: how well the demand model forecasts days it has not seen.

One function, used by the model kind (the quality gate's metrics, pricing.kinds) and by the
benchmarks on external data (bench/pricing_avocado.py): fit on all but the last days, forecast them
one day ahead, and compare with the seasonal naive forecast.
"""

import numpy as np

from pricing.ml import features
from pricing.ml.data import Catalog, History
from pricing.ml.demand import DEFAULT_PARAMS, Booster, Fitted, elasticities_estimate, trees_fit


def wmape(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.abs(actual - predicted).sum() / max(actual.sum(), 1e-9))


def evaluate(
    history: History,
    catalog: Catalog,
    *,
    holdout_days: int = 14,
    params: dict | None = None,
    trees: Booster | None = None,
    seasonal_lag_days: int = 7,
) -> dict:
    """Fit on all but the last `holdout_days`, forecast those days one day ahead (lags known up to the
    day before, prices as they were), and compare with the seasonal naive forecast (same SKU, same
    weekday a week earlier; `seasonal_lag_days` = 364 for weekly data: the same week a year earlier).
    Censored (sold-out) days are left out of both. `trees` fitted on the
    training days may be given (the model kind fits them in its own stage); else they are fitted here."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    panel = features.panel_build(history, catalog, window_days=params["window_days"])
    width = panel.units.shape[1]
    cut = width - holdout_days
    if cut < max(14, seasonal_lag_days):
        raise ValueError(f"Need more than {holdout_days + seasonal_lag_days} days of history to validate, got {width}.")
    lags = features.lags_build(panel)
    train_panel = _panel_until(panel, cut)
    last_price = _last_observed(train_panel.price, fallback=panel.usual_price)
    est = elasticities_estimate(train_panel, current_price=last_price, params=params)
    if trees is None:
        trees = trees_fit(panel, lags, est, params=params, until=cut)
    usable = panel.observed & ~panel.censored
    usable[:, :cut] = False
    rows, cols = np.nonzero(usable)
    keep = cols >= seasonal_lag_days
    rows, cols = rows[keep], cols[keep]
    naive = panel.units[rows, cols - seasonal_lag_days]
    keep = np.isfinite(naive)
    rows, cols, naive = rows[keep], cols[keep], naive[keep]
    fitted = Fitted(panel=panel, lags=lags, est=est, trees=trees)
    price = panel.price[rows, cols]
    predicted = fitted.units(rows, cols, price, panel.stock[rows, cols])
    actual = panel.units[rows, cols]
    return {
        "wmape": wmape(actual, predicted),
        "mae": float(np.abs(actual - predicted).mean()) if len(actual) else float("nan"),
        "baseline_wmape": wmape(actual, naive),
        "baseline_mae": float(np.abs(actual - naive).mean()) if len(actual) else float("nan"),
        "holdout_rows": float(len(actual)),
        "train_rows": float(trees.trained_rows),
        "dispersion": trees.dispersion,
    }


def _panel_until(panel: features.Panel, cut: int) -> features.Panel:
    values = {name: getattr(panel, name)[:, :cut] for name in ("units", "price", "views", "stock")}
    return features.Panel(
        skus=panel.skus,
        first_day=panel.first_day,
        usual_price=panel.usual_price,
        category=panel.category,
        category_names=panel.category_names,
        cost=panel.cost,
        **values,
    )


def _last_observed(grid: np.ndarray, *, fallback: np.ndarray) -> np.ndarray:
    present = np.isfinite(grid)
    last = np.where(present.any(axis=1), grid.shape[1] - 1 - np.argmax(present[:, ::-1], axis=1), -1)
    return np.where(last >= 0, grid[np.arange(len(grid)), np.maximum(last, 0)], fallback)
