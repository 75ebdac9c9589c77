"""The pricing engine in the simulated market, over several seeds, plus the speed of `suggest_prices`.

1. For each seed, `manage.py simulate_pricing --skus 200 --days 180 --seed N --json` in a subprocess,
   exactly as an outside evaluation would run it: the engine (through the function behind
   `suggest_prices`) from a cold start, next to the fixed list price, the rule-based baseline and
   the oracles, scored over the last half of the run (pricing.ml.simulator).
2. Speed: a 200-SKU x 365-day history and its catalog written as CSV files, and
   `manage.py suggest_prices` timed on them (median of 3 runs, wall clock of the whole process and
   the engine's own time as it prints).

Prints a table per seed and the mean, writes bench/results/pricing-simulate-<time>.json.
Usage: nice -n 10 .venv/bin/python bench/pricing_simulate.py [--seeds 0 1 2 3 4] [--skus 200] [--days 180]
"""

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pricing.ml import simulator  # noqa: E402

ENV = {"DEBUG": "true", **os.environ, "DJANGO_READ_DOT_ENV": "false"}  # DEBUG: settings' local defaults
POLICIES = ("engine", "list", "rule", "oracle", "oracle_dynamic")


def manage(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], capture_output=True, text=True, cwd=ROOT, env=ENV, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def simulate(seeds: list[int], skus: int, days: int) -> list[dict]:
    results = []
    for seed in seeds:
        started = time.perf_counter()
        result = json.loads(
            manage("simulate_pricing", "--skus", str(skus), "--days", str(days), "--seed", str(seed), "--json")
        )
        result["wall_seconds"] = round(time.perf_counter() - started, 1)
        results.append(result)
        shares = "  ".join(f"{p} {result['policies'][p]['profit_share']:.3f}" for p in POLICIES)
        print(
            f"seed {seed}: profit share of oracle: {shares}; engine violations "
            f"{result['policies']['engine']['violations']}; {result['engine_seconds_per_day']:.2f} s/day",
            flush=True,
        )
    return results


def speed(folder: Path, *, skus: int = 200, days: int = 365) -> dict:
    """A year of history for 200 SKUs at prices changing every few weeks, and the catalog."""
    market = simulator.market_build(skus=skus, seed=99)
    rng = np.random.default_rng(99)
    first = date(2025, 1, 1).toordinal()
    with open(folder / "history.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "sku", "price", "units", "views", "stock"])
        for i, sku in enumerate(market.sku):
            level = 1.0
            for d in range(days):
                if d % 21 == 0:
                    level = rng.choice([0.85, 0.9, 1.0, 1.1, 1.15])
                price = round(market.list_price[i] * level, 2)
                mean = market.curve(np.array([price]), rows=np.array([i]))[0]
                units = rng.poisson(mean)
                writer.writerow(
                    [date.fromordinal(first + d).isoformat(), sku, f"{price:.2f}", units, units * 8 + 2, 100]
                )
    with open(folder / "catalog.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["sku", "cost", "min_price", "max_price", "current_price", "stock", "category", "max_change_pct"]
        )
        for i, sku in enumerate(market.sku):
            writer.writerow(
                [
                    sku,
                    market.cost[i],
                    market.floor[i],
                    market.ceiling[i],
                    market.list_price[i],
                    100,
                    market.category[i],
                    10,
                ]
            )
    walls, engine = [], []
    for _ in range(3):
        started = time.perf_counter()
        out = manage(
            "suggest_prices",
            "--history",
            str(folder / "history.csv"),
            "--catalog",
            str(folder / "catalog.csv"),
            "--out",
            str(folder / "out.csv"),
        )
        walls.append(time.perf_counter() - started)
        engine.append(float(re.search(r"in ([0-9.]+) s", out).group(1)))
    return {
        "skus": skus,
        "days": days,
        "wall_seconds_median": round(statistics.median(walls), 2),
        "engine_seconds_median": round(statistics.median(engine), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--skus", type=int, default=200)
    parser.add_argument("--days", type=int, default=180)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        timing = speed(Path(folder))
    print(
        f"suggest_prices on {timing['skus']} SKUs x {timing['days']} days: {timing['wall_seconds_median']} s "
        f"for the whole command, {timing['engine_seconds_median']} s in the engine (median of 3)",
        flush=True,
    )
    results = simulate(args.seeds, args.skus, args.days)
    print(f"\nmean over seeds {args.seeds}, last {args.days - args.days // 2} of {args.days} days, {args.skus} SKUs:")
    print(f"{'policy':16} {'profit share':>12} {'(min-max)':>15} {'revenue share':>14} {'violations':>10}")
    summary = {}
    for policy in POLICIES:
        profit = [r["policies"][policy]["profit_share"] for r in results]
        revenue = [r["policies"][policy]["revenue_share"] for r in results]
        violations = sum(r["policies"][policy]["violations"] for r in results)
        summary[policy] = {
            "profit_share_mean": statistics.mean(profit),
            "profit_share_min": min(profit),
            "profit_share_max": max(profit),
            "revenue_share_mean": statistics.mean(revenue),
            "violations": violations,
        }
        print(
            f"{policy:16} {statistics.mean(profit):12.3f} {min(profit):7.3f}-{max(profit):.3f} "
            f"{statistics.mean(revenue):14.3f} {violations:10d}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"pricing-simulate-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps({"speed": timing, "seeds": results, "summary": summary}, indent=2)
    )


if __name__ == "__main__":
    main()
