"""The pricing engine's demand model on real weekly prices and volumes (Hass Avocado Board).

Each (geography, type) pair is one series ("SKU", 108 of them): weekly average price and total
volume, 2015-01 to 2020-05. The last 20% of weeks are held out; the model (per-series elasticities
boosted by LightGBM, pricing.ml.demand) is fitted on the first 80% and forecasts each held-out week
one step ahead at the price actually charged (lags known up to the week before). Baselines on the
same weeks: the seasonal naive forecast (the same week a year earlier, 52 weeks) and last week's
volume. Figures: WMAPE (sum |error| / sum actual) and MAE.

Usage: nice -n 10 .venv/bin/python bench/pricing_avocado.py [--data DIR]
"""

import argparse
import csv
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pricing.ml import evaluation  # noqa: E402
from pricing.ml.data import Catalog, History  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "avocado-prices-hab"
PARAMS = {"window_days": 10_000, "half_life_days": 365.0, "kernel_width": 1.0, "stop_days": 10 * 7}


def load(path: Path) -> tuple[History, Catalog]:
    with open(path / "avocado.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sku = [f"{r['geography']}|{r['type']}" for r in rows]
    history = History.build(
        sku=sku,
        day=[date.fromisoformat(r["date"]).toordinal() for r in rows],
        price=[float(r["average_price"]) for r in rows],
        units=[float(r["total_volume"]) for r in rows],
    )
    names = sorted(set(sku))
    last = {s: (d, p) for s, d, p in sorted(zip(history.sku, history.day, history.price, strict=True))}
    current = np.array([last[s][1] for s in names])
    catalog = Catalog.build(
        sku=names,
        cost=current * 0.5,  # unknown; only the elasticity prior uses it
        min_price=current * 0.5,
        max_price=current * 2,
        current_price=current,
        category=[s.split("|")[1] for s in names],
    )
    return history, catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    history, catalog = load(args.data)
    days = int(history.day.max() - history.day.min()) + 1
    weeks = days // 7 + 1
    holdout_weeks = round(weeks * 0.2)
    started = time.perf_counter()
    seasonal = evaluation.evaluate(
        history, catalog, holdout_days=holdout_weeks * 7, params=PARAMS, seasonal_lag_days=364
    )
    seconds = time.perf_counter() - started
    last_week = evaluation.evaluate(
        history, catalog, holdout_days=holdout_weeks * 7, params=PARAMS, seasonal_lag_days=7
    )
    result = {
        "series": len(catalog),
        "weeks": weeks,
        "holdout_weeks": holdout_weeks,
        "holdout_rows": seasonal["holdout_rows"],
        "model_wmape": seasonal["wmape"],
        "model_mae": seasonal["mae"],
        "seasonal_naive_wmape": seasonal["baseline_wmape"],
        "seasonal_naive_mae": seasonal["baseline_mae"],
        "last_week_wmape": last_week["baseline_wmape"],
        "last_week_mae": last_week["baseline_mae"],
        "seconds": round(seconds, 1),
    }
    print(
        f"{result['series']} series x {weeks} weeks; held out the last {holdout_weeks} weeks "
        f"({int(result['holdout_rows'])} series-weeks); fit + evaluate {seconds:.1f} s"
    )
    print(f"{'forecast':28} {'WMAPE':>8} {'MAE':>14}")
    print(f"{'demand model (LightGBM)':28} {result['model_wmape']:8.3f} {result['model_mae']:14,.0f}")
    print(
        f"{'seasonal naive (52 weeks)':28} {result['seasonal_naive_wmape']:8.3f} {result['seasonal_naive_mae']:14,.0f}"
    )
    print(f"{'naive (last week)':28} {result['last_week_wmape']:8.3f} {result['last_week_mae']:14,.0f}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"pricing-avocado-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
