"""MovieLens-100k benchmark of the recommendation engine, with the protocol of the Microsoft Recommenders table.

Protocol (../shared/datasets/movielens-100k/SOURCE.md): every rating is a positive interaction;
each user's ratings are split at random 75/25 (recommendations.ml.split.random_per_user); the
engine ranks all items for every test user with that user's training items removed; k = 10.
For each seed the split is written to two CSV files in a temporary folder and
`manage.py evaluate_recommender --json` runs on them in a subprocess, exactly as an outside
evaluation would call it: the engine tunes itself on folds carved from the training file only.

Prints the figures per seed, the mean and spread over the seeds (engine vs popularity), the
published table's best rows, and writes bench/results/movielens-<time>.json. The data set is
read in place and never copied into the repository (its licence forbids redistribution).

Usage (see bench/README.md): .venv/bin/python bench/movielens.py [--data DIR] [--seeds 0 1 2] [--cores 2]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recommendations.ml.split import random_per_user  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "movielens-100k"
TARGET = {"ndcg_at_10": 0.48, "precision_at_10": 0.415}
TRAINING_LIMIT_SECONDS = 60.0
# The Microsoft Recommenders README's ML-100k table (quoted in SOURCE.md): MAP, nDCG@10, P@10, R@10.
PUBLISHED = {
    "BiVAE": (0.146126, 0.475077, 0.411771, 0.219145),
    "BPR (Cornac)": (0.132478, 0.441997, 0.388229, 0.212522),
    "LightGCN": (0.088526, 0.419846, 0.379626, 0.144336),
    "SAR": (0.110591, 0.382461, 0.330753, 0.176385),
}
COLUMNS = ("ndcg_at_10", "precision_at_10", "recall_at_10", "map_at_10", "hit_rate_at_10", "coverage")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Folder holding u.data.")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cores", type=int, default=2, help="CPU cores the engine may use (default 2).")
    parser.add_argument("--tune-seconds", type=float, default=30.0)
    args = parser.parse_args()

    cores = sorted(os.sched_getaffinity(0))[: args.cores]
    os.sched_setaffinity(0, cores)  # inherited by the subprocess and its OpenMP threads
    ratings = np.loadtxt(args.data / "u.data", dtype=np.int64)  # user, item, rating, time (tab-separated)
    print(f"MovieLens-100k: {len(ratings):,} ratings; CPU cores used: {len(cores)} {cores}; seeds {args.seeds}")

    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for seed in args.seeds:
            held_out = random_per_user(ratings[:, 0], test_fraction=0.25, seed=seed)
            train, test = Path(folder) / f"train-{seed}.csv", Path(folder) / f"test-{seed}.csv"
            _write(train, ratings[~held_out])
            _write(test, ratings[held_out])
            started = time.monotonic()
            result = _evaluate(train, test, seed=seed, tune_seconds=args.tune_seconds)
            result["seed"], result["wall_seconds"] = seed, round(time.monotonic() - started, 1)
            runs.append(result)
            _print_run(result)

    _print_summary(runs)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"movielens-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"cores": len(cores), "runs": runs}, indent=2))
    print(f"\nWritten {path.relative_to(ROOT)}")
    met = all(np.mean([run["engine"][name] for run in runs]) >= value for name, value in TARGET.items()) and all(
        run["train_seconds"] <= TRAINING_LIMIT_SECONDS for run in runs
    )
    print(f"Target (mean NDCG@10 >= 0.48, P@10 >= 0.415, training <= 60 s): {'met' if met else 'NOT met'}")
    return 0 if met else 1


def _write(path: Path, rows: np.ndarray) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "item_id", "timestamp"])
        writer.writerows(rows[:, [0, 1, 3]].tolist())


def _evaluate(train: Path, test: Path, *, seed: int, tune_seconds: float) -> dict:
    command = [sys.executable, str(ROOT / "manage.py"), "evaluate_recommender", "--train", str(train)]
    command += ["--test", str(test), "--k", "10", "--json", "--seed", str(seed), "--tune-seconds", str(tune_seconds)]
    env = {"DEBUG": "true", **os.environ, "ML_DEVICE": "cpu"}  # DEBUG: settings' local defaults (no SECRET_KEY)
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"evaluate_recommender failed for seed {seed}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print_run(run: dict) -> None:
    params = ", ".join(f"{name}={value}" for name, value in run["engine_params"].items())
    print(
        f"\nseed {run['seed']}: trained in {run['train_seconds']:.1f} s (search {run['tune_seconds']:.1f} s, "
        f"{run['trials']} trials), {run['users_evaluated']} users; chosen {params}"
    )
    print(f"  {'':<11}" + "".join(f"{name:>16}" for name in COLUMNS))
    for model in ("engine", "popularity"):
        print(f"  {model:<11}" + "".join(f"{run[model][name]:>16.4f}" for name in COLUMNS))


def _print_summary(runs: list[dict]) -> None:
    print(f"\nOver {len(runs)} seeds: mean ± standard deviation [min, max]")
    for model in ("engine", "popularity"):
        for name in COLUMNS:
            values = np.array([run[model][name] for run in runs])
            print(
                f"  {model:<11}{name:<16}{values.mean():.4f} ± {values.std():.4f} "
                f"[{values.min():.4f}, {values.max():.4f}]"
            )
    seconds = np.array([run["train_seconds"] for run in runs])
    print(f"  training seconds (search + fit): mean {seconds.mean():.1f}, max {seconds.max():.1f}")
    print("\nPublished (Microsoft Recommenders, ML-100k): MAP (divides by all relevant), nDCG@10, P@10, R@10")
    for name, (map_, ndcg, precision, recall) in PUBLISHED.items():
        print(f"  {name:<14}{map_:.4f}  {ndcg:.4f}  {precision:.4f}  {recall:.4f}")


if __name__ == "__main__":
    sys.exit(main())
