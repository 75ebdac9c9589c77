"""The `demand` model kind: the pricing engine's LightGBM demand model, trained by the ML platform."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.utils import timezone

from ml.kinds import ModelKind, Progress, TrainingData
from pricing import selectors
from pricing.ml import demand, evaluation
from pricing.ml.data import Catalog, History


@dataclass(frozen=True)
class DemandData:
    history: History
    catalog: Catalog
    holdout_days: int

    def before(self, day: int) -> "DemandData":
        keep = self.history.day < day
        history = History(**{name: getattr(self.history, name)[keep] for name in History.__dataclass_fields__})
        return DemandData(history=history, catalog=self.catalog, holdout_days=self.holdout_days)


class DemandKind(ModelKind):
    """Daily units per variant from DailyVariantStats (pricing.ml.demand): per-variant elasticities
    boosted by LightGBM with a monotone price constraint. Evaluated on the last `holdout_days` days
    (forecast one day ahead at the prices charged) against the seasonal naive forecast (same
    weekday a week earlier): WMAPE, the quality gate's metric (lower is better), and MAE. The
    published trees are refitted on the whole window; the elasticities are refitted at every pricing
    run from the latest data."""

    name = "demand"
    title = "Demand model (dynamic pricing)"
    main_metric = "wmape"
    higher_is_better = False
    framework = "lightgbm"
    nightly_at = (1, 30)
    default_params = {**demand.DEFAULT_PARAMS, "window_days": 180, "holdout_days": 14}

    def extract(self, *, params: dict[str, Any], as_of: datetime) -> TrainingData:
        end = timezone.localtime(as_of).date()
        start = end - timedelta(days=params["window_days"])
        variants = selectors.pricing_variants()
        history = selectors.demand_history(variants=variants, start=start, end=end)
        policies = selectors.variant_policies(variants=variants)
        catalog = selectors.pricing_catalog(variants=variants, history=history, policies=policies, now=as_of)
        full = DemandData(history=history, catalog=catalog, holdout_days=params["holdout_days"])
        cut = end.toordinal() - params["holdout_days"]
        train = full.before(cut)
        return TrainingData(
            train=train,
            holdout=full,
            full=full,
            window_start=selectors.day_start(start),
            window_end=as_of,
            row_counts={
                "variants": len(catalog),
                "train_days": int((train.history.day >= 0).sum()),
                "holdout_days": int((history.day >= cut).sum()),
                "units": int(np.nansum(history.units)),
            },
        )

    def fit(self, *, data: DemandData, params: dict[str, Any], device: str, progress: Progress) -> demand.Booster:
        progress(0.0, "fitting elasticities and LightGBM trees (CPU: LightGBM's pip build has no CUDA)")
        fitted = demand.fitted_build(data.history, data.catalog, params=params)
        progress(1.0)
        return fitted.trees

    def evaluate(self, *, model: demand.Booster, data: TrainingData) -> dict[str, float]:
        full: DemandData = data.holdout
        metrics = evaluation.evaluate(full.history, full.catalog, holdout_days=full.holdout_days, trees=model)
        model.metrics = metrics
        return metrics

    def save(self, *, model: demand.Booster, directory: Path) -> None:
        demand.save(model, directory)

    def load(self, *, directory: Path) -> demand.Booster:
        return demand.load(directory)

    def baseline(self) -> demand.Booster:
        """No trees: the per-variant elasticity fit alone (refitted at every run) prices the catalog."""
        return demand.Booster(booster=None)
