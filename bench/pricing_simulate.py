"""The pricing engine in simulated markets, over several seeds, plus the speed of `suggest_prices`.

--mode own (default): the project's own simulator and the speed at 200 SKUs, as below.
--mode unfamiliar: pricing.ml.markets (families the engine was not designed around: kinked,
   saturating, reference-price, trend and level shift, a moving competitor; calm to wild noise),
   40 SKUs over 120 days from a cold start, the engine repriced every 3 days THROUGH
   `suggest_prices` on CSV files; profit shares of the oracle per family. Tune on seeds 0-4 only,
   report on 100-109.
--mode speed: `suggest_prices` timed at 40, 200 (365 days of history) and 10,000 SKUs (120 days).

1. For each seed, `manage.py simulate_pricing --skus 200 --days 180 --seed N --json` in a subprocess,
   exactly as an outside evaluation would run it: the engine (through the function behind
   `suggest_prices`) from a cold start, next to the fixed list price, the rule-based baseline and
   the oracles, scored over the last half of the run (pricing.ml.simulator).
2. Speed: a 200-SKU x 365-day history and its catalog written as CSV files, and
   `manage.py suggest_prices` timed on them (median of 3 runs, wall clock of the whole process and
   the engine's own time as it prints).

Prints a table per seed and the mean, writes bench/results/pricing-simulate-<time>.json.
Usage: flock /tmp/heavy.lock nice -n 10 .venv/bin/python bench/pricing_simulate.py [--mode own|unfamiliar|speed]
       [--seeds 0 1 2 3 4] [--skus N] [--days N] [--reprice-days 3] [--speed-skus 40 200 10000]
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

from pricing.ml import markets, simulator  # noqa: E402

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


def speed(folder: Path, *, skus: int = 200, days: int = 365, repeats: int = 3) -> dict:
    """`suggest_prices` timed on `days` of history for `skus` SKUs at prices changing every few weeks."""
    market = simulator.market_build(skus=skus, seed=99)
    rng = np.random.default_rng(99)
    first = date(2025, 1, 1).toordinal()
    level = rng.choice([0.85, 0.9, 1.0, 1.1, 1.15], (skus, days // 21 + 1)).repeat(21, axis=1)[:, :days]
    price = np.round(market.list_price[:, None] * level, 2)
    units = rng.poisson(market.curve(price))
    dates = [date.fromordinal(first + d).isoformat() for d in range(days)]
    with open(folder / "history.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "sku", "price", "units", "views", "stock"])
        for i, sku in enumerate(market.sku):
            writer.writerows(
                (dates[d], sku, f"{price[i, d]:.2f}", units[i, d], units[i, d] * 8 + 2, 100) for d in range(days)
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
    for _ in range(repeats):
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


def reprice_through_command(folder: Path):
    """The engine as outside evaluations call it: the market's history and catalog written as CSV files,
    `manage.py suggest_prices` run on them (in this process: Django starts once), its prices read back."""
    from django.core.management import call_command

    def reprice(history, catalog, today: int) -> np.ndarray:
        with open(folder / "history.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["date", "sku", "price", "units"])
            dates = {day: date.fromordinal(int(day)).isoformat() for day in np.unique(history.day)}
            writer.writerows(
                (dates[d], s, f"{p:.2f}", int(u))
                for d, s, p, u in zip(history.day, history.sku, history.price, history.units, strict=True)
            )
        with open(folder / "catalog.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["sku", "cost", "min_price", "max_price", "current_price", "category", "max_change_pct"])
            writer.writerows(
                (s, f"{c:.2f}", f"{lo:.2f}", f"{hi:.2f}", f"{p:.2f}", cat, f"{m:g}")
                for s, c, lo, hi, p, cat, m in zip(
                    catalog.sku,
                    catalog.cost,
                    catalog.min_price,
                    catalog.max_price,
                    catalog.current_price,
                    catalog.category,
                    catalog.max_change_pct,
                    strict=True,
                )
            )
        call_command(
            "suggest_prices",
            "--history",
            str(folder / "history.csv"),
            "--catalog",
            str(folder / "catalog.csv"),
            "--out",
            str(folder / "out.csv"),
            stdout=open(os.devnull, "w"),  # noqa: SIM115 (closed with the process)
        )
        with open(folder / "out.csv") as handle:
            suggested = {row["sku"]: float(row["suggested_price"]) for row in csv.DictReader(handle)}
        return np.array([suggested[s] for s in catalog.sku])

    return reprice


def unfamiliar(seeds: list[int], skus: int, days: int, reprice_days: int) -> dict:
    """pricing.ml.markets on each seed, the engine repriced through `suggest_prices`; shares per family."""
    import django

    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        reprice = reprice_through_command(Path(folder))
        for seed in seeds:
            started = time.perf_counter()
            result = markets.evaluate(skus=skus, days=days, seed=seed, reprice_days=reprice_days, reprice=reprice)
            result["wall_seconds"] = round(time.perf_counter() - started, 1)
            results.append(result)
            share = result["profit_share"]["all"]
            print(
                f"seed {seed}: "
                + "  ".join(f"{p} {share[p]:.3f}" for p in markets.POLICIES)
                + f"; engine violations {result['violations']['engine']}; {result['wall_seconds']} s",
                flush=True,
            )
    groups = list(results[0]["profit_share"])
    summary = {}
    print(f"\nseeds {seeds}, {skus} SKUs, {days} days, repriced every {reprice_days} days, scored on the last half:")
    print(f"{'market':16} {'engine':>8} {'list':>8} {'rule':>8} {'worst seed engine-list':>24} {'violations':>10}")
    for group in groups:
        share = {p: [r["profit_share"][group][p] for r in results] for p in ("engine", "list", "rule")}
        worst = min(e - li for e, li in zip(share["engine"], share["list"], strict=True))
        summary[group] = {
            **{f"{p}_mean": statistics.mean(v) for p, v in share.items()},
            "worst_engine_minus_list": worst,
        }
        print(
            f"{group:16} {statistics.mean(share['engine']):8.3f} {statistics.mean(share['list']):8.3f} "
            f"{statistics.mean(share['rule']):8.3f} {worst:+24.3f} "
            f"{sum(r['violations']['engine'] for r in results):10d}"
        )
    return {"seeds": results, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("own", "unfamiliar", "speed"), default="own")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--skus", type=int, default=None, help="default: 200 (own), 40 (unfamiliar)")
    parser.add_argument("--days", type=int, default=None, help="default: 180 (own), 120 (unfamiliar)")
    parser.add_argument("--reprice-days", type=int, default=3)
    parser.add_argument("--speed-skus", type=int, nargs="+", default=[40, 200, 10000])
    args = parser.parse_args()
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if args.mode == "unfamiliar":
        report = unfamiliar(args.seeds, args.skus or 40, args.days or 120, args.reprice_days)
        (out / f"pricing-unfamiliar-{stamp}.json").write_text(json.dumps(report, indent=2))
        return
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        for skus in args.speed_skus if args.mode == "speed" else [200]:
            days = 365 if skus <= 1000 else 120
            timing = speed(Path(folder), skus=skus, days=days, repeats=3 if skus <= 1000 else 1)
            timings.append(timing)
            print(
                f"suggest_prices on {timing['skus']} SKUs x {timing['days']} days: {timing['wall_seconds_median']} s "
                f"for the whole command, {timing['engine_seconds_median']} s in the engine",
                flush=True,
            )
    if args.mode == "speed":
        (out / f"pricing-speed-{stamp}.json").write_text(json.dumps(timings, indent=2))
        return
    skus, days = args.skus or 200, args.days or 180
    results = simulate(args.seeds, skus, days)
    print(f"\nmean over seeds {args.seeds}, last {days - days // 2} of {days} days, {skus} SKUs:")
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
    (out / f"pricing-simulate-{stamp}.json").write_text(
        json.dumps({"speed": timings[0], "seeds": results, "summary": summary}, indent=2)
    )


if __name__ == "__main__":
    main()
