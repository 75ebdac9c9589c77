"""The model kinds of the recommendations app, plugged into the ML platform (ml.kinds)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ml.kinds import ModelKind, Progress, TrainingData
from ml.models import ModelVersion
from recommendations import selectors
from recommendations.ml import als, evaluation, interactions, popularity, tuning
from recommendations.ml.popularity import SECONDS_PER_DAY
from recommendations.services import publication_write, publications_prune


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
                "products": len(np.unique(events.product_ids)),
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


@dataclass(frozen=True, eq=False)
class AlsTrainingSet:
    """What one fit of the `als` kind learns from: signed-in users' events and how to weight them.

    The fit on the training split runs the hyper-parameter search and appends its outcome to
    `chosen`; the fit on the whole window (`tuned_by` = the training split) reuses that choice
    instead of searching again, so the published model has the evaluated model's parameters.
    """

    events: interactions.UserEvents
    kind_weights: dict[str, float]
    half_life_days: float
    relevant_kinds: tuple[str, ...]
    validation_days: float
    tuned_by: "AlsTrainingSet | None" = None
    chosen: list[tuple[als.AlsParams, tuning.SearchResult | None]] = field(default_factory=list)
    fitted: list[als.AlsModel] = field(default_factory=list)  # the model fitted on this set, once fitted

    @cached_property
    def matrix(self) -> interactions.InteractionMatrix:
        return interactions.matrix_build(self.weighted(self.events))

    def weighted(self, events: interactions.UserEvents) -> interactions.Interactions:
        return events.weighted(kind_weights=self.kind_weights, half_life_days=self.half_life_days)

    def relevant(self, events: interactions.UserEvents) -> interactions.Interactions:
        """The events that count as hits when held out (e.g. purchases and carts), one per event."""
        chosen = events.of_kinds(self.relevant_kinds)
        return interactions.interactions_build(user_ids=chosen.user_ids, item_ids=chosen.product_ids)


class AlsKind(ModelKind):
    """Personalised recommendations: implicit ALS on signed-in users' events (recommendations.ml.als).

    Each event counts with its kind's weight, halved every `half_life_days` (interactions.event_weights).
    Evaluated on the last `holdout_days` of the window: NDCG@10 (the quality gate's metric),
    precision, recall, MAP and hit rate at 10 and catalog coverage, of the products each user
    bought or carted then (`relevant_kinds`), ranking every product except the user's earlier
    ones; the same for popularity as `baseline_*`. Hyper-parameters come from a bounded search
    (tuning.search, at most `tune_seconds`; 0 keeps `engine`) on the training split's own last
    `holdout_days`; the choice is logged, stored in the artifact and, where numeric, in the
    metrics (`tuned_*`). The published model is the evaluated one brought up to the whole window:
    starting from its vectors, `refit_iterations` (default 1) more ALS iterations on the whole
    window's matrix (als.fit's warm start) re-solve every user, then every item, so the events of
    the held-out days count and new users and products get vectors, at a fifteenth of a full fit.
    """

    name = "als"
    title = "Personalised recommendations (ALS)"
    main_metric = "ndcg_at_10"
    framework = "implicit"
    nightly_at = (3, 30)
    default_params = {
        "kind_weights": {"purchase": 5.0, "add_to_cart": 3.0, "wishlist_add": 2.0, "view": 1.0},
        "half_life_days": 90.0,
        "window_days": 365,
        "holdout_days": 14,
        "relevant_kinds": ["purchase", "add_to_cart"],
        "tune_seconds": 120.0,
        "engine": als.AlsParams().as_dict(),
        "refit_iterations": 1,
    }
    top_k = 10
    search_share = 0.8  # of the fit stage's progress bar, when the fit searches

    def extract(self, *, params: dict[str, Any], as_of: datetime) -> TrainingData:
        start = as_of - timedelta(days=params["window_days"])
        cut = (as_of - timedelta(days=params["holdout_days"])).timestamp()
        events = selectors.user_events(start=start, end=as_of)
        settings = {
            "kind_weights": params["kind_weights"],
            "half_life_days": params["half_life_days"],
            "relevant_kinds": tuple(params["relevant_kinds"]),
            "validation_days": params["holdout_days"],
        }
        train = AlsTrainingSet(events=events.before(cut), **settings)
        return TrainingData(
            train=train,
            holdout=events.since(cut),
            full=AlsTrainingSet(events=events, tuned_by=train, **settings),
            window_start=start,
            window_end=as_of,
            row_counts={
                "train_events": len(train.events),
                "holdout_events": len(events) - len(train.events),
                "users": len(np.unique(events.user_ids)),
                "products": len(np.unique(events.product_ids)),
            },
        )

    def fit(self, *, data: AlsTrainingSet, params: dict[str, Any], device: str, progress: Progress) -> als.AlsModel:
        engine, share = self._engine_params(data=data, params=params, device=device, progress=progress)
        evaluated = data.tuned_by.fitted[0] if data.tuned_by is not None and data.tuned_by.fitted else None
        model = als.fit(
            data.matrix,
            params=engine,
            device=device,
            progress=lambda fraction: progress(share + (1 - share) * fraction),
            warm_start=evaluated,
            iterations=min(params["refit_iterations"], engine.iterations) if evaluated is not None else None,
        )
        data.fitted.append(model)
        return model

    def _engine_params(
        self, *, data: AlsTrainingSet, params: dict[str, Any], device: str, progress: Progress
    ) -> tuple[als.AlsParams, float]:
        """(the parameters to fit with, the share of the progress bar already used to find them)."""
        if data.tuned_by is not None and data.tuned_by.chosen:
            return data.tuned_by.chosen[0][0], 0.0
        start = als.AlsParams(**params["engine"])
        if params["tune_seconds"] <= 0:
            data.chosen.append((start, None))
            return start, 0.0
        cut = data.events.end - data.validation_days * SECONDS_PER_DAY
        fold_train = interactions.matrix_build(data.weighted(data.events.before(cut)))
        fold_heldout = interactions.matrix_build(
            data.relevant(data.events.since(cut)), user_ids=fold_train.user_ids, item_ids=fold_train.item_ids
        ).matrix
        try:
            search = tuning.search(
                [(fold_train, fold_heldout)],
                k=self.top_k,
                budget_seconds=params["tune_seconds"],
                device=device,
                start=start,
                progress=lambda fraction: progress(self.search_share * fraction),
            )
        except tuning.NothingToValidate:
            progress(self.search_share, "Too few events for a hyper-parameter search; fitting with the defaults")
            data.chosen.append((start, None))
            return start, self.search_share
        chosen = ", ".join(f"{name} {value}" for name, value in search.best.as_dict().items())
        progress(
            self.search_share,
            f"Hyper-parameter search: {len(search.trials)} trials in {search.seconds:.0f} s; chose {chosen} "
            f"(validation NDCG@10 {search.score:.4f})",
        )
        data.chosen.append((search.best, search))
        return search.best, self.search_share

    def evaluate(self, *, model: als.AlsModel, data: TrainingData) -> dict[str, float]:
        train: AlsTrainingSet = data.train
        result = evaluation.holdout_evaluate(model, train.matrix, train.relevant(data.holdout), k=self.top_k)
        metrics = {**result.engine, **{f"baseline_{name}": value for name, value in result.popularity.items()}}
        metrics["users_evaluated"] = result.users_evaluated
        search = train.chosen[0][1] if train.chosen else None
        if search is not None:
            metrics[f"validation_ndcg_at_{self.top_k}"] = search.score
        for name in ("factors", "regularization", "alpha", "iterations"):
            metrics[f"tuned_{name}"] = getattr(model.params, name)
        return metrics

    def save(self, *, model: als.AlsModel, directory: Path) -> None:
        als.save(model, directory)

    def publish(self, *, version: ModelVersion, model: als.AlsModel, data: TrainingData) -> None:
        """Publish the version's lists (recommendations.services.publication_write), then prune old ones.

        `model` is the published model, fitted on the whole window (`data.full`), whose events the
        lists are computed from, weighted with the version's params. The platform calls this before
        the release transaction, so the champion only ever points at a version with complete lists.
        """
        publication_write(
            version_id=version.pk,
            model=model,
            events=data.full.events,
            matrix=data.full.matrix,  # built once, for the fit
            kind_weights=version.params["kind_weights"],
            half_life_days=version.params["half_life_days"],
            trained_until=version.data_window_end,
        )
        publications_prune()

    def load(self, *, directory: Path) -> als.AlsModel:
        return als.load(directory)

    def baseline(self) -> als.AlsModel:
        return als.empty()
