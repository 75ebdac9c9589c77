"""Full retrain of the `als` recommender vs a bare `implicit` fit + recommend, on the same data, in one run.

Needs a database with a demo store (see bench/README.md, "Recommendations": a dedicated cluster
loaded with `load_demo_store --scale large`). Measures, in this order and in this process:

1. The pipeline: one `als` training run through the ML platform with `tune_seconds` 0 (no search):
   extract from PostgreSQL, fit on the training split and on the whole window, evaluate on the
   held-out days, write the artifact and publish every list (top-N for every user, similar and
   bought-together for every product, trending per category) with COPY, then the release.
2. The bare library on the matrix the pipeline fitted its published model on: implicit's ALS with
   the same hyper-parameters fitted once, then `recommend` of the same N for every user.

Prints both wall times, the pipeline's stages, and their ratio (target: at most 1.5). Repeats the
pair `--repeats` times and reports medians.

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


def pipeline() -> tuple[float, TrainingRun]:
    started = time.perf_counter()
    run = training_run_create(kind="als", trigger=TrainingRun.Trigger.COMMAND, params={"tune_seconds": 0})
    run = training_run_execute(run_id=run.pk)
    seconds = time.perf_counter() - started
    if run.status != "succeeded":
        raise SystemExit(f"The training run failed: {run.error}")
    return seconds, run


def bare(matrix, params: AlsParams, n: int) -> dict[str, float]:
    """implicit alone: fit, then top-n for every user with their own items filtered, as the pipeline publishes."""
    confidences = interactions.confidence(matrix, scheme=params.confidence)
    started = time.perf_counter()
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
    return {"fit": fitted - started, "recommend": done - fitted, "total": done - started}


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
        seconds, run = pipeline()
        version = run.version
        publication = Publication.objects.get(version_id=version.pk)
        data = kind.extract(params=params, as_of=timezone.now())
        baseline = bare(data.full.matrix.matrix, engine, settings.RECOMMENDATIONS_PUBLISHED_PER_LIST)
        result = {
            "pipeline_seconds": round(seconds, 2),
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
            "ndcg_at_10": version.metrics["ndcg_at_10"],
            "baseline_ndcg_at_10": version.metrics["baseline_ndcg_at_10"],
        }
        results.append(result)
        print(f"repeat {repeat}: " + json.dumps(result))
    ratio = statistics.median(result["ratio"] for result in results)
    print(
        f"\nMedian pipeline {statistics.median(r['pipeline_seconds'] for r in results):.1f} s, bare implicit "
        f"{statistics.median(r['bare_implicit']['total'] for r in results):.1f} s: ratio {ratio:.2f} "
        f"(target <= 1.5)"
    )
    out = ROOT / "bench" / "results" / f"recs-retrain-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"Wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
