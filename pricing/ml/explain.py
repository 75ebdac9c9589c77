"""Explanations: LightGBM's own SHAP values (`pred_contrib`) grouped and turned into words.

A contribution is in log units: +0.2 means the trees expect about 22% more units than on an
average day because of that group of features. The per-SKU elasticity (the offset the trees boost
from) is reported as its own line, "price elasticity -1.8".
"""

import numpy as np

from pricing.ml import features

GROUPS = {
    "price": ("log_rel_price", "price_vs_category"),
    "weekday": ("dow",),
    "season": ("doy_sin", "doy_cos"),
    "trend": ("trend",),
    "stock": ("log_stock", "stock_cover"),
    "interest": ("views_7", "conversion_28", "level_28", "recent_7_vs_half_year", "recent_28_vs_half_year"),
    "product": ("category", "log_usual_price", "cost_share"),
}
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")  # ordinal % 7
NOTABLE = 0.08  # |log effect| worth a sentence


def contributions_grouped(contrib: np.ndarray) -> list[dict[str, float]]:
    """Per row: {feature: shap} for every feature with a non-zero value, plus group sums under "group:"."""
    index = {name: i for i, name in enumerate(features.FEATURES)}
    rows = []
    for row in contrib:
        values = {name: round(float(row[i]), 4) for name, i in index.items() if abs(row[i]) >= 1e-4}
        for group, names in GROUPS.items():
            values[f"group:{group}"] = round(float(sum(row[index[n]] for n in names)), 4)
        rows.append(values)
    return rows


def top_contributions(values: dict[str, float], *, limit: int = 5) -> list[tuple[str, float]]:
    single = [(k, v) for k, v in values.items() if not k.startswith("group:")]
    return sorted(single, key=lambda kv: -abs(kv[1]))[:limit]


def _percent(value: float) -> str:
    return f"{(np.exp(value) - 1) * 100:+.0f}%"


def context_phrases(values: dict[str, float], *, day: int) -> list[str]:
    phrases = []
    season = values.get("group:season", 0.0)
    if abs(season) >= NOTABLE:
        phrases.append(f"demand is seasonal {'high' if season > 0 else 'low'} ({_percent(season)})")
    weekday = values.get("group:weekday", 0.0)
    if abs(weekday) >= NOTABLE:
        phrases.append(f"{WEEKDAYS[day % 7]}s sell {'more' if weekday > 0 else 'less'} ({_percent(weekday)})")
    trend = values.get("group:trend", 0.0)
    if abs(trend) >= NOTABLE:
        phrases.append(f"demand is trending {'up' if trend > 0 else 'down'} ({_percent(trend)})")
    interest = values.get("group:interest", 0.0)
    if abs(interest) >= NOTABLE:
        phrases.append(f"recent views and sales are {'strong' if interest > 0 else 'weak'} ({_percent(interest)})")
    return phrases


def stock_phrase(*, stock: float, daily_units: float, state: int) -> str | None:
    if not np.isfinite(stock):
        return None
    forecast = 30 * daily_units
    if state < 0:
        return f"stock {stock:.0f} is short of the 7-day forecast ({7 * daily_units:.1f} units): not lowering"
    if forecast > 0 and state > 0:
        return f"stock is {stock / forecast:.1f}x the 30-day forecast: clearing"
    if forecast > 0 and stock / forecast >= 1.5:
        return f"stock is {stock / forecast:.1f}x the 30-day forecast"
    return None
