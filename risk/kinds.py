"""The `risk` model kind: the fraud model of checkout (risk.ml), trained nightly on labelled orders."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.kinds import ModelKind, Progress, TrainingData
from risk import selectors
from risk.ml.evaluation import ranking_metrics, threshold_table
from risk.ml.features import derive_features
from risk.ml.model import RiskModel

ARTIFACT = "risk_model.json"


@dataclass(frozen=True)
class RiskData:
    features: pd.DataFrame
    labels: np.ndarray
    rules: np.ndarray  # what the rules alone said (selectors.rules_score): the baseline

    def take(self, rows: slice) -> "RiskData":
        return RiskData(self.features.iloc[rows], self.labels[rows], self.rules[rows])


class RiskKind(ModelKind):
    """LightGBM on the orders' signals plus the engine's velocity, history and account-age features
    (risk.ml), labelled by staff decisions and chargebacks (approved orders settled for
    `settled_days` count as genuine). Time-ordered validation: trained on the earlier orders,
    measured on the latest `holdout_share`. The gate's metric is PR-AUC; a model that does not beat
    the rules alone on the held-out orders fails its run. Precision, recall and review load at the
    configured review and decline thresholds are stored with the metrics."""

    name = "risk"
    title = "Order risk (fraud) model"
    main_metric = "pr_auc"
    framework = "lightgbm"
    nightly_at = (2, 15)
    default_params = {"window_days": 365, "holdout_share": 0.25, "settled_days": 30, "seed": 0}

    def extract(self, *, params: dict[str, Any], as_of: datetime) -> TrainingData:
        start = as_of - timedelta(days=params["window_days"])
        rows = selectors.labelled_assessments(
            start=start, end=as_of, settled_before=as_of - timedelta(days=params["settled_days"])
        )
        labels = np.array([int(is_fraud) for _assessment, is_fraud in rows], dtype=int)
        if len(rows) < 20 or labels.sum() < 2 or labels.sum() == len(labels):
            raise ValueError(f"Too few labelled orders to train on: {len(rows)} with {labels.sum()} frauds.")
        frame = selectors.assessments_frame([assessment for assessment, _label in rows])
        features = derive_features(
            frame, time=selectors.TIME, account_time=selectors.ACCOUNT_TIME, entities=list(selectors.ENTITIES)
        )
        full = RiskData(features, labels, np.array([selectors.rules_score(assessment) for assessment, _ in rows]))
        cut = int(len(rows) * (1 - params["holdout_share"]))
        return TrainingData(
            train=full.take(slice(None, cut)),
            holdout=full.take(slice(cut, None)),
            full=full,
            window_start=start,
            window_end=as_of,
            row_counts={"orders": len(rows), "frauds": int(labels.sum()), "holdout": len(rows) - cut},
        )

    def fit(self, *, data: RiskData, params: dict[str, Any], device: str, progress: Progress) -> RiskModel:
        progress(0.0, "fitting LightGBM on CPU")
        model = RiskModel.fit(data.features, data.labels, seed=params["seed"])
        progress(1.0)
        return model

    def evaluate(self, *, model: RiskModel, data: TrainingData) -> dict[str, float]:
        holdout: RiskData = data.holdout
        if len(set(holdout.labels)) < 2:
            raise ValueError("The held-out orders need both frauds and genuine orders; widen the window.")
        scores = model.predict_proba(holdout.features)
        metrics = ranking_metrics(holdout.labels, scores)
        metrics["rules_pr_auc"] = ranking_metrics(holdout.labels, holdout.rules)["pr_auc"]
        if metrics["pr_auc"] <= metrics["rules_pr_auc"]:
            raise ValueError(
                f"PR-AUC {metrics['pr_auc']:.3f} does not beat the rules alone ({metrics['rules_pr_auc']:.3f}) "
                "on the held-out orders."
            )
        configured = selectors.risk_settings_get()
        thresholds = {"review": configured.review_threshold, "decline": configured.decline_threshold}
        for (name, _threshold), row in zip(
            thresholds.items(), threshold_table(holdout.labels, scores, list(thresholds.values())), strict=True
        ):
            for measure in ("threshold", "precision", "recall", "flagged_share"):
                metrics[f"{name}_{measure}"] = float(row[measure])
        return metrics

    def save(self, *, model: RiskModel, directory: Path) -> None:
        (directory / ARTIFACT).write_bytes(model.to_bytes())

    def load(self, *, directory: Path) -> RiskModel:
        return RiskModel.from_bytes((directory / ARTIFACT).read_bytes())

    def baseline(self) -> None:
        """No model: the rules decide alone (risk.services)."""
        return None
