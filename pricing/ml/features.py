"""A dense SKU x day panel of the history, and the demand model's features built from it.

Features of SKU i on day t (lags only look at days before t, so the same code serves training rows
and tomorrow's forecast):

    log_rel_price      log(price / the SKU's usual (median) price)           monotone: demand falls
    price_vs_category  log(price / the median usual price of its category)   monotone: demand falls
    dow, doy_sin, doy_cos, trend                                             calendar, season, trend
    log_stock, stock_cover                                                   stock at day start, in days of recent sales
    views_7, conversion_28, level_28                                         recent views, units per view, units per day
    recent_7_vs_half_year, recent_28_vs_half_year                            recent / half-year sales (log): momentum
    category, log_usual_price, cost_share                                    category and product features
"""

import zlib
from dataclasses import dataclass

import numpy as np

from pricing.ml.data import Catalog, History

FEATURES = (
    "log_rel_price",
    "price_vs_category",
    "dow",
    "doy_sin",
    "doy_cos",
    "trend",
    "log_stock",
    "stock_cover",
    "views_7",
    "conversion_28",
    "level_28",
    "recent_7_vs_half_year",
    "recent_28_vs_half_year",
    "category",
    "log_usual_price",
    "cost_share",
)
PRICE_FEATURES = ("log_rel_price", "price_vs_category")
CATEGORICAL = ("dow", "category")
TREND_ORIGIN = 730120  # 2000-01-01: trend is years since then


@dataclass(frozen=True)
class Panel:
    """History on a dense grid: rows follow the catalog's SKUs, columns the days first..last."""

    skus: np.ndarray
    first_day: int
    units: np.ndarray  # (n, T), NaN where not observed
    price: np.ndarray
    views: np.ndarray
    stock: np.ndarray
    usual_price: np.ndarray  # (n,)
    category: np.ndarray  # (n,) int codes
    category_names: list[str]
    cost: np.ndarray

    @property
    def days(self) -> np.ndarray:
        return self.first_day + np.arange(self.units.shape[1])

    @property
    def observed(self) -> np.ndarray:
        return np.isfinite(self.units) & np.isfinite(self.price)

    @property
    def censored(self) -> np.ndarray:
        """Days that sold out (units reached the stock at day start): demand was at least `units`."""
        with np.errstate(invalid="ignore"):
            return np.isfinite(self.stock) & (self.units >= self.stock)


def category_code(name: str) -> int:
    """A stable code per category name, so a saved model and today's data agree without a mapping table."""
    return zlib.crc32(name.encode()) % 10007


def panel_build(history: History, catalog: Catalog, *, window_days: int | None = None) -> Panel:
    n = len(catalog)
    index = {sku: i for i, sku in enumerate(catalog.sku)}
    rows = np.array([index.get(s, -1) for s in history.sku], dtype=np.int64)
    keep = rows >= 0
    if window_days is not None and keep.any():
        keep &= history.day > history.day[keep].max() - window_days
    rows, days = rows[keep], history.day[keep]
    first = int(days.min()) if len(days) else 0
    width = int(days.max()) - first + 1 if len(days) else 1
    cols = days - first

    def dense(values: np.ndarray) -> np.ndarray:
        grid = np.full((n, width), np.nan)
        grid[rows, cols] = values[keep]
        return grid

    price = dense(history.price)
    usual = np.array(catalog.current_price, dtype=np.float64)
    with np.errstate(all="ignore"):
        has = np.isfinite(price).any(axis=1)
        if has.any():
            usual[has] = np.nanmedian(price[has], axis=1)
    names = sorted(set(catalog.category.tolist()))
    codes = np.array([category_code(c) for c in catalog.category], dtype=np.int64)
    return Panel(
        skus=catalog.sku,
        first_day=first,
        units=dense(history.units),
        price=price,
        views=dense(history.views),
        stock=dense(history.stock),
        usual_price=usual,
        category=codes,
        category_names=names,
        cost=catalog.cost,
    )


def _lagged_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of the observed values over the `window` days before each day (NaN if none), shape (n, T+1).

    Column t holds the mean over days t-window..t-1, so column T is "as of tomorrow".
    """
    present = np.isfinite(values)
    filled = np.where(present, values, 0.0)
    zeros = np.zeros((values.shape[0], 1))
    total = np.concatenate([zeros, np.cumsum(filled, axis=1)], axis=1)
    count = np.concatenate([zeros, np.cumsum(present, axis=1)], axis=1)
    lag_total = (
        total - np.concatenate([np.zeros((values.shape[0], window)), total[:, :-window]], axis=1)[:, : total.shape[1]]
    )
    lag_count = (
        count - np.concatenate([np.zeros((values.shape[0], window)), count[:, :-window]], axis=1)[:, : count.shape[1]]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(lag_count > 0, lag_total / lag_count, np.nan)


@dataclass(frozen=True)
class LagState:
    """Lagged aggregates per SKU and day (n, T+1): column T is the state for the day after the panel."""

    views_7: np.ndarray
    level_7: np.ndarray
    level_28: np.ndarray
    level_182: np.ndarray
    conversion_28: np.ndarray
    category_usual: np.ndarray  # (n,)


def lags_build(panel: Panel) -> LagState:
    units = np.where(panel.observed, panel.units, np.nan)
    level = _lagged_mean(units, 28)
    views = _lagged_mean(panel.views, 7)
    views_28 = _lagged_mean(np.where(np.isfinite(panel.views), panel.views, np.nan), 28)
    with np.errstate(invalid="ignore", divide="ignore"):
        conversion = np.where(views_28 > 0, level / views_28, np.nan)
    category_usual = np.zeros(len(panel.skus))
    for code in np.unique(panel.category):
        members = panel.category == code
        category_usual[members] = np.median(panel.usual_price[members])
    return LagState(
        views_7=views,
        level_7=_lagged_mean(units, 7),
        level_28=level,
        level_182=_lagged_mean(units, 182),
        conversion_28=conversion,
        category_usual=category_usual,
    )


def feature_rows(
    panel: Panel, lags: LagState, *, rows: np.ndarray, cols: np.ndarray, price: np.ndarray, stock: np.ndarray
) -> np.ndarray:
    """The feature matrix (len(rows), len(FEATURES)) for SKUs `rows` on panel columns `cols` at `price`.

    `cols` may equal T (the day after the panel): lags then cover the last days of the history.
    """
    day = panel.first_day + cols
    cols = np.minimum(cols, panel.units.shape[1])  # a day after a gap uses the latest lags
    doy = 2 * np.pi * (((day - 1) % 365.25) / 365.25)
    usual = panel.usual_price[rows]
    level = lags.level_28[rows, cols]
    with np.errstate(invalid="ignore", divide="ignore"):
        cover = np.where(level > 0, stock / level, np.where(np.isfinite(stock), 365.0, np.nan))
    columns = {
        "log_rel_price": np.log(price / usual),
        "price_vs_category": np.log(price / lags.category_usual[rows]),
        "dow": (day % 7).astype(np.float64),
        "doy_sin": np.sin(doy),
        "doy_cos": np.cos(doy),
        "trend": (day - TREND_ORIGIN) / 365.25,
        "log_stock": np.log1p(stock),
        "stock_cover": np.minimum(cover, 365.0),
        "views_7": lags.views_7[rows, cols],
        "conversion_28": lags.conversion_28[rows, cols],
        "level_28": np.log1p(level),
        "recent_7_vs_half_year": np.log((lags.level_7[rows, cols] + 0.1) / (lags.level_182[rows, cols] + 0.1)),
        "recent_28_vs_half_year": np.log((level + 0.1) / (lags.level_182[rows, cols] + 0.1)),
        "category": panel.category[rows].astype(np.float64),
        "log_usual_price": np.log(usual),
        "cost_share": panel.cost[rows] / usual,
    }
    return np.column_stack([columns[name] for name in FEATURES])
