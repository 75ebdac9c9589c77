"""How the risk engine is measured: the one protocol of the `risk` kind (quality gate) and `evaluate_risk`.

Fraud is rare, so the figures are about ranking the frauds first:
- `ranking_metrics`: ROC-AUC, PR-AUC (average precision: the gate's metric, it moves with the
  frauds caught near the top) and recall at 1% and 5% false-positive rate (frauds caught when 1 or 5
  in 100 good orders are held);
- `threshold_table`: per threshold, precision, recall and the share of orders flagged (review load
  against fraud caught, for the store's review and decline thresholds);
- `evaluate_files`: the engine (`risk.ml.features` + `risk.ml.model`) trained on one table and
  measured on another, next to a logistic-regression baseline on the raw columns (one-hot
  categories, scaled numbers, no derived features) on the same split.
"""

import time as clock
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from risk.ml.features import derive_features, raw_features
from risk.ml.model import RiskModel

FALSE_POSITIVE_RATES = {"recall_at_1pct_fpr": 0.01, "recall_at_5pct_fpr": 0.05}


def ranking_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """ROC-AUC, PR-AUC (average precision) and recall at 1% and 5% false-positive rate (labels 0/1, both present)."""
    labels, scores = np.asarray(labels, dtype=int), np.asarray(scores, dtype=float)
    false_positive, recall, _ = roc_curve(labels, scores)
    result = {
        "roc_auc": float(roc_auc_score(labels, scores)),
        "pr_auc": float(average_precision_score(labels, scores)),
    }
    for name, rate in FALSE_POSITIVE_RATES.items():
        result[name] = float(recall[false_positive <= rate].max())
    return result


def threshold_table(labels: np.ndarray, scores: np.ndarray, thresholds: Sequence[float]) -> list[dict[str, float]]:
    """Per threshold (score >= threshold is flagged): precision (1.0 when nothing is flagged), recall, share flagged."""
    labels, scores = np.asarray(labels, dtype=int), np.asarray(scores, dtype=float)
    frauds = int(labels.sum())
    rows = []
    for threshold in thresholds:
        flagged = scores >= threshold
        caught = int(labels[flagged].sum())
        rows.append(
            {
                "threshold": float(threshold),
                "precision": caught / flagged.sum() if flagged.any() else 1.0,
                "recall": caught / frauds if frauds else 0.0,
                "flagged_share": float(flagged.mean()) if len(scores) else 0.0,
            }
        )
    return rows


def evaluate_files(
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    label: str,
    time: str | None,
    account_time: str | None,
    entities: Sequence[str],
    seed: int = 0,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """The engine and the baseline trained on `train`, measured on `test` (both with the 0/1 `label` column).

    The features are derived from both tables together (a store sees all its traffic; no labels are
    read), then split back. Returns rows, fraud shares, the engine's feature names and, for
    "engine" and "baseline", `ranking_metrics` plus training seconds.
    """
    both = pd.concat([train, test], ignore_index=True)
    labels = both.pop(label).to_numpy(dtype=int)
    is_train = np.arange(len(both)) < len(train)
    columns = {"time": time, "account_time": account_time, "entities": entities}
    progress(f"deriving features from {len(both)} rows")
    features = derive_features(both, **columns)
    progress(f"training the engine on {int(is_train.sum())} rows, {features.shape[1]} features")
    started = clock.perf_counter()
    model = RiskModel.fit(features[is_train], labels[is_train], seed=seed)
    engine_seconds = clock.perf_counter() - started
    engine = ranking_metrics(labels[~is_train], model.predict_proba(features[~is_train]))
    progress("training the logistic-regression baseline on the raw columns")
    raw = raw_features(both, **columns)
    started = clock.perf_counter()
    baseline_scores = _baseline_scores(raw[is_train], labels[is_train], raw[~is_train])
    baseline_seconds = clock.perf_counter() - started
    baseline = ranking_metrics(labels[~is_train], baseline_scores)
    return {
        "train_rows": int(is_train.sum()),
        "test_rows": int((~is_train).sum()),
        "train_fraud_share": float(labels[is_train].mean()),
        "test_fraud_share": float(labels[~is_train].mean()),
        "features": list(features.columns),
        "engine": {**engine, "train_seconds": round(engine_seconds, 2)},
        "baseline": {**baseline, "train_seconds": round(baseline_seconds, 2)},
    }


def _baseline_scores(train: pd.DataFrame, labels: np.ndarray, test: pd.DataFrame) -> np.ndarray:
    """Logistic regression on the raw columns: one-hot categories, scaled numbers (median for missing)."""
    if train.shape[1] == 0:
        return np.full(len(test), 0.5)
    categorical = [name for name in train.columns if isinstance(train[name].dtype, pd.CategoricalDtype)]
    numeric = [name for name in train.columns if name not in categorical]
    encode = ColumnTransformer(
        [
            ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("categories", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )
    as_text = lambda frame: frame.astype(dict.fromkeys(categorical, object))  # noqa: E731  NaN level: "nan"
    baseline = make_pipeline(encode, LogisticRegression(max_iter=1000)).fit(as_text(train), labels)
    return baseline.predict_proba(as_text(test))[:, 1]
