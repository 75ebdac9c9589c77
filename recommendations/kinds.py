"""The model kinds of the recommendations app, plugged into the ML platform (ml.kinds)."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ml.kinds import ModelKind, Progress, TrainingData
from recommendations import selectors
from recommendations.ml import popularity


class PopularityKind(ModelKind):
    """Time-decayed, kind-weighted popularity per product (recommendations.ml.popularity).

    Evaluated on the last `holdout_days` of the window: recall@10 of those days' purchases,
    next to plain purchase counts (`baseline_recall_at_10`). The published model is refitted on
    the whole window, so it knows the latest days too.
    """

    name = "popularity"
    title = "Product popularity"
    main_metric = "recall_at_10"
    framework = "numpy"
    nightly_at = (2, 30)
    default_params = {
        "kind_weights": {"purchase": 5.0, "add_to_cart": 3.0, "wishlist_add": 2.0, "view": 1.0},
        "half_life_days": 14.0,
        "window_days": 180,
        "holdout_days": 7,
    }
    top_k = 10

    def extract(self, *, params: dict[str, Any], as_of: datetime) -> TrainingData:
        start = as_of - timedelta(days=params["window_days"])
        cut = as_of - timedelta(days=params["holdout_days"])
        events = selectors.popularity_events(start=start, end=as_of)
        train, holdout = events.before(cut.timestamp()), events.since(cut.timestamp())
        return TrainingData(
            train=train,
            holdout=holdout,
            full=events,
            window_start=start,
            window_end=as_of,
            row_counts={
                "train_events": len(train),
                "holdout_events": len(holdout),
                "holdout_purchases": len(holdout.purchases()),
                "products": len(set(events.product_ids.tolist())),
            },
        )

    def fit(self, *, data: popularity.Events, params: dict[str, Any], device: str, progress: Progress) -> Any:
        return popularity.fit(
            data, kind_weights=params["kind_weights"], half_life_days=params["half_life_days"], progress=progress
        )

    def evaluate(self, *, model: popularity.PopularityModel, data: TrainingData) -> dict[str, float]:
        purchases = data.holdout.purchases()
        return {
            "recall_at_10": popularity.recall_at_k(model, purchases, self.top_k),
            "baseline_recall_at_10": popularity.recall_at_k(
                popularity.purchase_counts(data.train), purchases, self.top_k
            ),
        }

    def save(self, *, model: popularity.PopularityModel, directory: Path) -> None:
        popularity.save(model, directory)

    def load(self, *, directory: Path) -> popularity.PopularityModel:
        return popularity.load(directory)

    def baseline(self) -> popularity.PopularityModel:
        return popularity.empty()
