"""Full retrain of the `als` recommender vs a bare `implicit` fit + recommend, on the same data, in one run.

Needs a database with a demo store (see bench/README.md, "Recommendations": a dedicated cluster
loaded with `load_demo_store --scale large`). Measures, in this order and in this process:

1. The pipeline: one `als` training run through the ML platform with `tune_seconds` 0 (no search):
   extract from PostgreSQL, fit on the training split (then one warm-started iteration on the
   whole window), evaluate on the held-out days, write the artifact and publish every list (top-N
   for every user active in the last 30 days, similar and bought-together for every product,
   trending per category) with COPY, then the release.
2. The bare library on the matrix the pipeline fitted its published model on: implicit's ALS with
   the same hyper-parameters fitted once, then `recommend` of the same N for every user.

Prints both wall times, the pipeline's stages, their ratio (target: at most 1.5), and the CPU
time of each side (every thread of the process) with its ratio. Repeats the pair `--repeats`
times and reports medians.

Usage: .venv/bin/python bench/recs_retrain.py [--repeats 3] [--cores 2]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from implicit.cpu.als import AlternatingLeastSquares  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from events.models import Interaction  # noqa: E402
from ml.kinds import kind_get  # noqa: E402
from ml.models import TrainingRun  # noqa: E402
from ml.services import training_run_create, training_run_execute  # noqa: E402
from recommendations.ml import interactions  # noqa: E402
from recommendations.ml.als import AlsParams  # noqa: E402
from recommendations.models import Publication  # noqa: E402


def pipeline() -> tuple[float, float, TrainingRun]:
    """(wall seconds, CPU seconds of every thread of this process, the run)."""
    started, cpu = time.perf_counter(), time.process_time()
    run = training_run_create(kind="als", trigger=TrainingRun.Trigger.COMMAND, params={"tune_seconds": 0})
    run = training_run_execute(run_id=run.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if run.status != "succeeded":
        raise SystemExit(f"The training run failed: {run.error}")
    return seconds, cpu, run


def bare(matrix, params: AlsParams, n: int) -> dict[str, float]:
    """implicit alone: fit, then top-n for every user with their own items filtered, as the pipeline publishes."""
    confidences = interactions.confidence(matrix, scheme=params.confidence)
    started, cpu = time.perf_counter(), time.process_time()
    with threadpool_limits(limits=1, user_api="blas"):
        model = AlternatingLeastSquares(
            factors=params.factors,
            regularization=params.regularization,
            alpha=params.alpha,
            iterations=params.iterations,
            random_state=0,
        )
        model.fit(confidences, show_progress=False)
        fitted = time.perf_counter()
        users = np.arange(matrix.shape[0])
        model.recommend(users, confidences[users], N=n, filter_already_liked_items=True)
    done = time.perf_counter()
    return {
        "fit": fitted - started,
        "recommend": done - fitted,
        "total": done - started,
        "cpu": time.process_time() - cpu,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cores])
    events = Interaction.objects.count()
    print(
        f"Events in the log: {events:,}; CPU cores: {args.cores}; published per list: "
        f"{settings.RECOMMENDATIONS_PUBLISHED_PER_LIST}"
    )
    kind = kind_get("als")
    params = {**kind.default_params, "tune_seconds": 0}
    engine = AlsParams(**params["engine"])
    results = []
    for repeat in range(args.repeats):
        seconds, cpu, run = pipeline()
        version = run.version
        publication = Publication.objects.get(version_id=version.pk)
        data = kind.extract(params=params, as_of=timezone.now())
        baseline = bare(data.full.matrix.matrix, engine, settings.RECOMMENDATIONS_PUBLISHED_PER_LIST)
        result = {
            "pipeline_seconds": round(seconds, 2),
            "pipeline_cpu_seconds": round(cpu, 2),
            "stages": version.stage_seconds,
            "publish_lists_seconds": publication.seconds,
            "rows": publication.row_counts,
            "matrix": {
                "users": data.full.matrix.matrix.shape[0],
                "items": data.full.matrix.matrix.shape[1],
                "nnz": data.full.matrix.nnz,
            },
            "bare_implicit": {name: round(value, 2) for name, value in baseline.items()},
            "ratio": round(seconds / baseline["total"], 2),
            "cpu_ratio": round(cpu / baseline["cpu"], 2),
            "load_average": os.getloadavg()[0],
            "ndcg_at_10": version.metrics["ndcg_at_10"],
            "baseline_ndcg_at_10": version.metrics["baseline_ndcg_at_10"],
        }
        results.append(result)
        print(f"repeat {repeat}: " + json.dumps(result))
    ratio = statistics.median(result["ratio"] for result in results)
    print(
        f"\nMedian pipeline {statistics.median(r['pipeline_seconds'] for r in results):.1f} s, bare implicit "
        f"{statistics.median(r['bare_implicit']['total'] for r in results):.1f} s: ratio {ratio:.2f} "
        f"(target <= 1.5); CPU {statistics.median(r['pipeline_cpu_seconds'] for r in results):.1f} s vs "
        f"{statistics.median(r['bare_implicit']['cpu'] for r in results):.1f} s: ratio "
        f"{statistics.median(r['cpu_ratio'] for r in results):.2f}"
    )
    out = ROOT / "bench" / "results" / f"recs-retrain-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"Wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
