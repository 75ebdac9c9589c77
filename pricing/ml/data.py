"""The engine's inputs: a sales history and a catalog, as numpy arrays, plus their CSV readers.

History: one row per (sku, day): `price`, `units` and optionally `views` and `stock` (stock at the
start of the day), NaN where unknown. Catalog: one row per SKU with its cost, guardrails and
current state. Days are proleptic ordinals (`date.toordinal()`).
"""

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from ml.csv_input import CsvRow, csv_rows_read

HISTORY_REQUIRED = ("date", "sku", "price", "units")
HISTORY_OPTIONAL = ("views", "stock")
CATALOG_REQUIRED = ("sku", "cost", "min_price", "max_price", "current_price")
CATALOG_OPTIONAL = ("stock", "category", "max_change_pct")
SUGGESTION_COLUMNS = ("sku", "suggested_price", "expected_units", "expected_revenue", "expected_profit", "reason")


class DataError(ValueError):
    """A bad input file or value; the message names the file and line."""


@dataclass(frozen=True)
class History:
    sku: np.ndarray  # object array of SKU codes
    day: np.ndarray  # int64 ordinals
    price: np.ndarray  # float64
    units: np.ndarray  # float64
    views: np.ndarray  # float64, NaN when unknown
    stock: np.ndarray  # float64, NaN when unknown

    def __len__(self) -> int:
        return len(self.day)

    @classmethod
    def build(cls, *, sku, day, price, units, views=None, stock=None) -> "History":
        n = len(day)
        nan = np.full(n, np.nan)
        return cls(
            sku=np.asarray(sku, dtype=object),
            day=np.asarray(day, dtype=np.int64),
            price=np.asarray(price, dtype=np.float64),
            units=np.asarray(units, dtype=np.float64),
            views=nan.copy() if views is None else np.asarray(views, dtype=np.float64),
            stock=nan.copy() if stock is None else np.asarray(stock, dtype=np.float64),
        )

    @classmethod
    def concat(cls, parts: Iterable["History"]) -> "History":
        parts = list(parts)
        return cls(**{name: np.concatenate([getattr(p, name) for p in parts]) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Catalog:
    """Per SKU: cost, hard bounds, change limits and current state (all arrays of equal length).

    `max_change_pct`, `max_weekly_change_pct` in percent (NaN: no limit); `min_days_between_changes`
    0 for none; `last_change_day` the ordinal of the last price change (NaN unknown); `frozen` holds
    the price; `min_margin_pct` is the minimum margin over cost in percent of cost.
    """

    sku: np.ndarray
    cost: np.ndarray
    min_price: np.ndarray
    max_price: np.ndarray
    current_price: np.ndarray
    stock: np.ndarray
    category: np.ndarray
    max_change_pct: np.ndarray
    min_margin_pct: np.ndarray = field(default=None)
    max_weekly_change_pct: np.ndarray = field(default=None)
    min_days_between_changes: np.ndarray = field(default=None)
    last_change_day: np.ndarray = field(default=None)
    price_week_ago: np.ndarray = field(default=None)
    frozen: np.ndarray = field(default=None)

    def __post_init__(self):
        n = len(self.sku)
        defaults = {
            "min_margin_pct": 0.0,
            "max_weekly_change_pct": np.nan,
            "min_days_between_changes": 0.0,
            "last_change_day": np.nan,
            "price_week_ago": np.nan,
            "frozen": False,
        }
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.full(n, value, dtype=bool if value is False else np.float64))

    def __len__(self) -> int:
        return len(self.sku)

    def take(self, index: np.ndarray) -> "Catalog":
        """The catalog of the SKUs at `index` (e.g. one objective's group)."""
        return Catalog(**{name: getattr(self, name)[index] for name in self.__dataclass_fields__})

    @classmethod
    def build(cls, *, sku, cost, min_price, max_price, current_price, stock=None, category=None, **limits) -> "Catalog":
        n = len(sku)
        return cls(
            sku=np.asarray(sku, dtype=object),
            cost=np.asarray(cost, dtype=np.float64),
            min_price=np.asarray(min_price, dtype=np.float64),
            max_price=np.asarray(max_price, dtype=np.float64),
            current_price=np.asarray(current_price, dtype=np.float64),
            stock=np.full(n, np.nan) if stock is None else np.asarray(stock, dtype=np.float64),
            category=np.full(n, "", dtype=object) if category is None else np.asarray(category, dtype=object),
            max_change_pct=np.asarray(limits.pop("max_change_pct", np.full(n, np.nan)), dtype=np.float64),
            **{k: np.asarray(v) for k, v in limits.items()},
        )


def history_fill_gaps(history: History, *, until: int) -> History:
    """Days without a row become zero-sale days at the last known price (the store writes a daily
    aggregate only on days with activity). Each SKU is filled from its first row to `until` - 1;
    views are 0 where the SKU reports views, stock stays unknown on filled days."""
    if not len(history):
        return history
    order = np.lexsort((history.day, history.sku.astype(str)))
    parts = []
    skus = history.sku[order]
    starts = np.flatnonzero(np.r_[True, skus[1:] != skus[:-1]])
    ends = np.r_[starts[1:], len(order)]
    for start, end in zip(starts, ends, strict=True):
        rows = order[start:end]
        first = int(history.day[rows[0]])
        span = max(until - first, int(history.day[rows[-1]]) - first + 1)
        offset = history.day[rows] - first
        price = np.full(span, np.nan)
        price[offset] = history.price[rows]
        filled_price = price[np.maximum.accumulate(np.where(np.isfinite(price), np.arange(span), 0))]
        units = np.zeros(span)
        units[offset] = history.units[rows]
        reports_views = np.isfinite(history.views[rows]).any()
        views = np.zeros(span) if reports_views else np.full(span, np.nan)
        views[offset] = history.views[rows]
        stock = np.full(span, np.nan)
        stock[offset] = history.stock[rows]
        parts.append(
            History.build(
                sku=np.full(span, skus[start], dtype=object),
                day=first + np.arange(span),
                price=filled_price,
                units=units,
                views=views,
                stock=stock,
            )
        )
    return History.concat(parts)


# --- CSV ----------------------------------------------------------------------------------------


# How pricing files word the reading problems of ml.csv_input (the rest keep its defaults).
MESSAGES = {"no_rows": "no rows."}


def _number(raw: str | None, *, where: str, column: str, minimum: float | None = 0.0) -> float:
    """The cell as a finite number (at least `minimum`); NaN for a missing optional cell (None)."""
    if raw is None:
        return math.nan
    try:
        value = float(raw)
    except ValueError:
        raise DataError(f"{where}: column {column!r} is not a number: {raw!r}.") from None
    if not math.isfinite(value):
        raise DataError(f"{where}: column {column!r} must be a finite number, got {raw!r}.")
    if minimum is not None and value < minimum:
        raise DataError(f"{where}: column {column!r} must be at least {minimum:g}, got {raw!r}.")
    return value


def _rows(path: Path, *, required: tuple[str, ...], optional: tuple[str, ...], label: str) -> Iterator[CsvRow]:
    """The file's rows as ml.csv_input reads them: required cells filled, optional ones None when empty."""
    if not path.is_file():
        raise DataError(f"{label} file {path}: no such file.")
    return csv_rows_read(path=path, required=required, optional=optional, messages=MESSAGES, error=DataError)


def history_read(path: Path) -> History:
    """Read `date,sku,price,units[,views,stock]`; one row per (sku, date)."""
    path = Path(path)
    skus, days, prices, units, views, stocks = [], [], [], [], [], []
    seen: dict[tuple[str, int], int] = {}
    for line, row in _rows(path, required=HISTORY_REQUIRED, optional=HISTORY_OPTIONAL, label="History"):
        where = f"{path}, line {line}"
        sku = row["sku"]
        try:
            day = date.fromisoformat(row["date"]).toordinal()
        except ValueError:
            raise DataError(f"{where}: column 'date' must be YYYY-MM-DD, got {row['date']!r}.") from None
        if (sku, day) in seen:
            raise DataError(f"{where}: sku {sku!r} on {row['date']} repeats line {seen[(sku, day)]}.")
        seen[(sku, day)] = line
        price = _number(row["price"], where=where, column="price")
        if price <= 0:
            raise DataError(f"{where}: column 'price' must be above 0, got {row['price']!r}.")
        skus.append(sku)
        days.append(day)
        prices.append(price)
        units.append(_number(row["units"], where=where, column="units"))
        views.append(_number(row["views"], where=where, column="views"))
        stocks.append(_number(row["stock"], where=where, column="stock"))
    return History.build(sku=skus, day=days, price=prices, units=units, views=views, stock=stocks)


def catalog_read(path: Path) -> Catalog:
    """Read `sku,cost,min_price,max_price,current_price[,stock,category,max_change_pct]`."""
    path = Path(path)
    columns: dict[str, list] = {name: [] for name in CATALOG_REQUIRED + CATALOG_OPTIONAL}
    seen: dict[str, int] = {}
    for line, row in _rows(path, required=CATALOG_REQUIRED, optional=CATALOG_OPTIONAL, label="Catalog"):
        where = f"{path}, line {line}"
        sku = row["sku"]
        if sku in seen:
            raise DataError(f"{where}: sku {sku!r} repeats line {seen[sku]}.")
        seen[sku] = line
        values = {name: _number(row[name], where=where, column=name) for name in CATALOG_REQUIRED[1:]}
        if values["min_price"] <= 0 or values["current_price"] <= 0:
            raise DataError(f"{where}: min_price and current_price must be above 0.")
        if values["min_price"] > values["max_price"]:
            raise DataError(f"{where}: min_price {values['min_price']:g} is above max_price {values['max_price']:g}.")
        if values["cost"] > values["max_price"]:
            raise DataError(f"{where}: cost {values['cost']:g} is above max_price {values['max_price']:g}.")
        change = _number(row["max_change_pct"], where=where, column="max_change_pct")
        if change == 0 or change > 100:
            raise DataError(f"{where}: column 'max_change_pct' must be above 0 and at most 100, got {change:g}.")
        columns["sku"].append(sku)
        for name, value in values.items():
            columns[name].append(value)
        columns["stock"].append(_number(row["stock"], where=where, column="stock"))
        columns["category"].append(row["category"] or "")
        columns["max_change_pct"].append(change)
    return Catalog.build(**columns)


def suggestions_write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUGGESTION_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
