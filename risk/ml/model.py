"""The risk model: LightGBM on a feature frame, with calibrated probabilities and reasons per row.

`RiskModel.fit(features, labels)` learns from a frame of `risk.ml.features` (numbers and pandas
categories; any other frame of that shape works too) and 0/1 labels (1 = fraud):
- cross-fitting: the rows are split into `FOLDS` stratified folds; one booster per fold learns from
  the other folds and stops when the fold's average precision has not improved for
  `EARLY_STOPPING_ROUNDS` rounds. The model's raw score is the boosters' mean (an ensemble, steadier
  than one booster on rare frauds) and Platt scaling (a logistic regression on the raw score) is
  fitted on the out-of-fold scores, so `predict_proba` is calibrated on rows no booster learnt from
  while the ranking stays the boosters';
- class imbalance: positives are weighted by negatives/positives (`scale_pos_weight`) so that the
  few frauds shape the trees; the calibration undoes the shift this gives the raw scores.
Fit row order does not matter (the folds are shuffled); a caller that wants time-ordered validation
measures on later rows itself (`risk.ml.evaluation`, the kind's holdout).
The frame's schema (columns, category levels) is kept: at prediction a missing column is missing
for every row, an extra one is ignored and a category level unseen at fit time counts as missing.

`reasons(features)` explains each row from LightGBM's `pred_contrib` (SHAP values in log-odds,
averaged over the boosters): the features that pushed the score up most, largest first.

`to_bytes()` / `from_bytes()`: one JSON document with the boosters in LightGBM's own text format,
the schema and the calibration (no pickle).
"""

import json
import math
from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

FOLDS = 5
MIN_LEAF_ROWS, MAX_LEAF_ROWS = 10, 100  # rows per leaf: 1 per 300 rows between these (a store's first weeks are small)
EARLY_STOPPING_ROUNDS = 100
MAX_ROUNDS = 2000
FORMAT = "risk-model/1"
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.02,
    "num_leaves": 7,  # small trees: chosen by cross-validation on the fraud benchmark (bench/README.md)
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "cat_smooth": 10,
    "verbosity": -1,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,  # OpenMP's spinning threads make fits many times slower on a loaded machine (bench/README.md)
}
# Prediction on one thread too: a checkout scores one row, where OpenMP's start-up and spinning cost
# more than the trees (bench/README.md, risk checkout latency).
_PREDICT: dict[str, Any] = {"num_threads": 1}


@dataclass(frozen=True)
class Reason:
    """One feature's push towards fraud for one row: its name, the row's value, its log-odds contribution."""

    feature: str
    value: object
    contribution: float


class RiskModel:
    """Fitted boosters with their feature schema and Platt calibration; build it with `fit` or `from_bytes`."""

    def __init__(
        self,
        *,
        boosters: list[lgb.Booster],
        columns: list[str],
        categories: dict[str, list[str]],
        platt: tuple[float, float],
    ) -> None:
        self.boosters = boosters
        self.columns = columns
        self.categories = categories  # categorical column -> its levels at fit time (codes are positions)
        self._levels = {name: pd.Index(levels) for name, levels in categories.items()}
        self.platt = platt  # (slope, intercept) on the mean raw score

    @classmethod
    def fit(cls, features: pd.DataFrame, labels: np.ndarray, *, seed: int = 0) -> "RiskModel":
        """Learn from `features` and 0/1 `labels` (at least `FOLDS` of each class), as the module describes."""
        labels = np.asarray(labels, dtype=int)
        counts = np.bincount(labels, minlength=2)
        if len(counts) != 2 or counts.min() < FOLDS:
            raise ValueError(f"The labels must be 0 or 1, with at least {FOLDS} of each.")
        columns = [str(name) for name in features.columns]
        categories = {
            str(name): [str(level) for level in features[name].cat.categories]
            for name in features.columns
            if isinstance(features[name].dtype, pd.CategoricalDtype)
        }
        model = cls(boosters=[], columns=columns, categories=categories, platt=(1.0, 0.0))
        matrix = model._matrix(features)
        params = {
            "scale_pos_weight": counts[0] / counts[1],
            "metric": "average_precision",
            **PARAMS,
            "min_child_samples": min(MAX_LEAF_ROWS, max(MIN_LEAF_ROWS, len(labels) // 300)),
            "seed": seed,
        }
        held_out_scores = np.empty(len(labels))
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed).split(matrix, labels)
        for fit_rows, held_rows in folds:
            train_set = lgb.Dataset(
                matrix[fit_rows], labels[fit_rows], feature_name=columns, categorical_feature=list(categories)
            )
            booster = lgb.train(
                params,
                train_set,
                num_boost_round=MAX_ROUNDS,
                valid_sets=[lgb.Dataset(matrix[held_rows], labels[held_rows], reference=train_set)],
                callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
            )
            held_out_scores[held_rows] = booster.predict(matrix[held_rows], raw_score=True)
            model.boosters.append(booster)
        model.platt = _platt_fit(held_out_scores, labels)
        return model

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of fraud per row."""
        slope, intercept = self.platt
        matrix = self._matrix(features)
        raw = np.mean([booster.predict(matrix, raw_score=True, **_PREDICT) for booster in self.boosters], axis=0)
        return 1.0 / (1.0 + np.exp(-(slope * raw + intercept)))

    def reasons(self, features: pd.DataFrame, top: int = 3) -> list[list[Reason]]:
        """Per row, up to `top` features with a positive contribution to the score, largest first."""
        matrix = self._matrix(features)
        contributions = np.mean(
            [booster.predict(matrix, pred_contrib=True, **_PREDICT) for booster in self.boosters], axis=0
        )
        contributions = contributions[:, :-1]  # the last column is the expected value
        aligned = features.reindex(columns=self.columns)
        result = []
        for row, pushes in enumerate(contributions):
            order = [at for at in np.argsort(-pushes, kind="stable")[:top] if pushes[at] > 0]
            result.append([Reason(self.columns[at], _plain(aligned.iat[row, at]), float(pushes[at])) for at in order])
        return result

    def to_bytes(self) -> bytes:
        """The model as one JSON document (LightGBM text format inside)."""
        document = {
            "format": FORMAT,
            "columns": self.columns,
            "categories": self.categories,
            "platt": list(self.platt),
            "boosters": [booster.model_to_string() for booster in self.boosters],
        }
        return json.dumps(document).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> "RiskModel":
        """The model `to_bytes` wrote; ValueError for anything else."""
        try:
            document = json.loads(data.decode("utf-8"))
            if document.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} document")
            return cls(
                boosters=[lgb.Booster(model_str=text) for text in document["boosters"]],
                columns=list(document["columns"]),
                categories={name: list(levels) for name, levels in document["categories"].items()},
                platt=(float(document["platt"][0]), float(document["platt"][1])),
            )
        except (ValueError, KeyError, TypeError, IndexError, lgb.basic.LightGBMError) as e:  # ValueError: JSON, text
            raise ValueError(f"Not a risk model artifact ({e}).") from None

    def _matrix(self, features: pd.DataFrame) -> np.ndarray:
        """The frame as floats in fit-time column order; categories as their fit-time codes (unseen: missing)."""
        aligned = features.reindex(columns=self.columns)  # a missing column is all missing
        matrix = np.empty((len(features), len(self.columns)))
        numeric = [
            at
            for at, (name, dtype) in enumerate(aligned.dtypes.items())
            if name not in self.categories and pd.api.types.is_numeric_dtype(dtype)
        ]
        matrix[:, numeric] = aligned.iloc[:, numeric].to_numpy(dtype=float, na_value=np.nan)  # in one go
        for at in sorted(set(range(len(self.columns))) - set(numeric)):
            name = self.columns[at]
            if name in self.categories:
                codes = self._levels[name].get_indexer(aligned[name].astype("string"))
                matrix[:, at] = np.where(codes >= 0, codes, np.nan)
            else:
                matrix[:, at] = pd.to_numeric(aligned[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return matrix


def _platt_fit(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(slope, intercept) of a logistic regression of the labels on the raw scores."""
    regression = LogisticRegression(C=1e6).fit(scores.reshape(-1, 1), labels)
    return float(regression.coef_[0, 0]), float(regression.intercept_[0])


def _plain(value: object) -> object:
    """A cell as a plain Python value (None for missing) for reasons and JSON."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return value.item() if isinstance(value, np.generic) else value
