"""CPU vs CUDA: the engine's ALS fit (recommendations.ml.als.fit) on one synthetic matrix, timed on each device.

The matrix has planted taste groups (users of a group favour their group's items, with Zipf-like
item popularity), a few million interactions by default. Each device fits it with the same
hyper-parameters; the script prints the device ml.device.select_device picks for implicit,
`implicit.gpu.HAS_CUDA`, the implicit model class each fit used, the fit times, NDCG@10 of both
models on the same held-out interactions (they should agree), and `nvidia-smi` while the CUDA
model is still in GPU memory. Needs no database.

Usage (see bench/README.md): python bench/als_gpu.py [--users 300000] [--items 60000] [--per-user 20]
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:  # no project settings needed: only ml.device reads ML_DEVICE
    settings.configure(ML_DEVICE=os.environ.get("ML_DEVICE", "auto"))
    django.setup()

from ml.device import select_device  # noqa: E402
from recommendations.ml import als, split  # noqa: E402
from recommendations.ml.evaluation import holdout_evaluate  # noqa: E402
from recommendations.ml.interactions import interactions_build, matrix_build  # noqa: E402


def planted(users: int, items: int, per_user: int, groups: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(user, item) pairs: 85 % from the user's group block, 15 % from anywhere, Zipf-like within each."""
    rng = np.random.default_rng(seed)
    rows = users * per_user
    user_codes = np.repeat(np.arange(users), per_user)
    block = items // groups
    rank = np.minimum((rng.pareto(1.2, rows) * 3).astype(np.int64), block - 1)  # heavy-tailed item rank
    own = rng.random(rows) < 0.85
    item_codes = np.where(own, (user_codes % groups) * block + rank, rng.integers(0, items, rows))
    pairs = np.unique(user_codes * items + item_codes)
    return pairs // items, pairs % items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300_000)
    parser.add_argument("--items", type=int, default=60_000)
    parser.add_argument("--per-user", type=int, default=20)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--factors", type=int, default=128)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--measured-users", type=int, default=20_000, help="users whose NDCG@10 is measured")
    parser.add_argument("--cpu-threads", type=int, nargs="+", default=[0], help="0: every core")
    args = parser.parse_args()

    import implicit
    import implicit.gpu

    device = select_device(framework="implicit")
    print(f"implicit {implicit.__version__}; implicit.gpu.HAS_CUDA={implicit.gpu.HAS_CUDA}; ", end="")
    print(f"select_device(framework='implicit') -> {device!r}; CPU cores {os.cpu_count()}")
    users, items = planted(args.users, args.items, args.per_user, args.groups, seed=0)
    held_out = split.random_per_user(users, test_fraction=0.2, seed=0)
    train = interactions_build(user_ids=users[~held_out], item_ids=items[~held_out])
    measured = held_out & (users < args.measured_users)  # ranking every item for every user would dwarf the fit
    test = interactions_build(user_ids=users[measured], item_ids=items[measured])
    training = matrix_build(train)
    print(f"matrix: {training.matrix.shape[0]:,} users x {training.matrix.shape[1]:,} items, {training.nnz:,} nonzeros")
    params = als.AlsParams(factors=args.factors, iterations=args.iterations, regularization=9.0, alpha=3.0)
    print(f"params: {params.as_dict()}")

    runs = [("cpu", threads) for threads in args.cpu_threads] + ([("cuda", 0)] if device == "cuda" else [])
    for name, threads in runs:
        with threadpool_limits(limits=1, user_api="blas"):
            model_class = als.implicit_model(params, device=name, seed=0, num_threads=threads)
        started = time.perf_counter()
        model = als.fit(training, params=params, device=name, seed=0, num_threads=threads)
        seconds = time.perf_counter() - started
        ndcg = holdout_evaluate(model, training, test, k=10).engine["ndcg_at_10"]
        label = f"{name} ({threads or os.cpu_count()} threads)" if name == "cpu" else name
        print(f"{label:<18} {type(model_class).__module__}.{type(model_class).__name__}: fit {seconds:.2f} s, ", end="")
        print(f"NDCG@10 {ndcg:.4f}", flush=True)
        if name == "cuda":
            _show_gpu(model_class, training, params)
    return 0


def _show_gpu(gpu_model, training, params) -> None:
    """Fit once more and print nvidia-smi while the factors are still in GPU memory."""
    from recommendations.ml.interactions import confidence

    gpu_model.fit(confidence(training.matrix, scheme=params.confidence), show_progress=False)
    print("GPU model's user factors live in:", type(gpu_model.user_factors).__module__, flush=True)
    smi = subprocess.run(["nvidia-smi"], capture_output=True, text=True, check=False)
    print(smi.stdout)


if __name__ == "__main__":
    sys.exit(main())
