"""The campaigns app's evaluation protocol: how well an uplift score ranks whom to target.

Used by `evaluate_uplift` (external files), `bench/uplift_hillstrom.py`, and the campaigns model kind.
Written here rather than taken from scikit-uplift: its last release (0.5.1, 2022) predates the
installed numpy/scikit-learn and pulls in matplotlib for three short cumulative sums.

Customers are ranked by score, highest first; customers with equal scores enter together (the
curves have a point only where the score changes, so a constant score is the random diagonal).
After the first n customers, with n_t treated and n_c control among them, and y_t, y_c the sums of
their outcomes:

- Qini curve (Radcliffe 2007): Q(n) = y_t - y_c * n_t / n_c (the control term 0 while n_c = 0, as
  scikit-uplift does), the incremental responses among the targeted treated. Qini coefficient =
  (area(model) - area(random)) / (area(perfect) - area(random)), areas by the trapezoid rule over
  n = 0..N, random the straight line from (0, 0) to (N, Q(N)), perfect the curve of the ranking by
  y*t - y*(1-t) (treated responders first, control responders last). 1 = perfect, 0 = no better
  than random: scikit-uplift's `qini_auc_score` (negative_effect=True), checked against it to 1e-12
  on random data. Outcome noise keeps it far below 1 even for the true effect.
- Uplift curve: U(n) = (y_t / n_t - y_c / n_c) * n (0 while either group is empty), the incremental
  outcome if the first n customers were targeted. AUUC = area under U(n) / N over the fraction
  targeted n / N in 0..1, in outcome units per customer of the whole population: a random order
  scores half the population's average uplift, a useful order more.
- Uplift at k: the treated response rate minus the control one among the first round(k * N)
  customers, equal scores in row order (scikit-uplift's `uplift_at_k`, strategy "overall"); None
  where a group is empty there.
"""

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from campaigns.ml.data import UpliftFileError, features_typed, numeric_columns, uplift_csv_read
from campaigns.ml.uplift import DEFAULT_LEARNER, LEARNERS, MIN_GROUP_ROWS, UpliftModel, is_binary

TOP_FRACTIONS = (0.1, 0.2, 0.3)
RANDOM_DRAWS = 100


def qini_curve(outcome: np.ndarray, treatment: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, Q(n)) at n = 0 and at the end of every run of equal scores."""
    n, n_t, n_c, y_t, y_c = _cumulative(outcome, treatment, scores)
    q = y_t - np.where(n_c > 0, y_c * n_t / np.maximum(n_c, 1), 0.0)
    return np.r_[0, n], np.r_[0.0, q]


def uplift_curve(outcome: np.ndarray, treatment: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, U(n)) at n = 0 and at the end of every run of equal scores."""
    n, n_t, n_c, y_t, y_c = _cumulative(outcome, treatment, scores)
    both = (n_t > 0) & (n_c > 0)
    u = np.where(both, (y_t / np.maximum(n_t, 1) - y_c / np.maximum(n_c, 1)) * n, 0.0)
    return np.r_[0, n], np.r_[0.0, u]


def qini_coefficient(outcome: np.ndarray, treatment: np.ndarray, scores: np.ndarray) -> float:
    outcome, treatment, scores = _checked(outcome, treatment, scores)
    x, q = qini_curve(outcome, treatment, scores)
    x_perfect, q_perfect = qini_curve(outcome, treatment, outcome * treatment - outcome * (1 - treatment))
    diagonal = x[-1] * q[-1] / 2
    perfect = np.trapezoid(q_perfect, x_perfect) - diagonal
    return float((np.trapezoid(q, x) - diagonal) / perfect) if perfect else 0.0


def auuc(outcome: np.ndarray, treatment: np.ndarray, scores: np.ndarray) -> float:
    x, u = uplift_curve(outcome, treatment, scores)
    return float(np.trapezoid(u, x) / x[-1] ** 2)


def uplift_at(outcome: np.ndarray, treatment: np.ndarray, scores: np.ndarray, fraction: float) -> float | None:
    top = np.argsort(-np.asarray(scores, dtype=float), kind="stable")[: max(1, round(fraction * len(scores)))]
    y, t = np.asarray(outcome, dtype=float)[top], np.asarray(treatment)[top] == 1
    if t.all() or not t.any():
        return None
    return float(y[t].mean() - y[~t].mean())


def uplift_metrics(outcome: np.ndarray, treatment: np.ndarray, scores: np.ndarray) -> dict:
    """{"qini", "auuc", "uplift_at": {"10%": ..., "20%": ..., "30%": ...}} of one ranking (module docstring)."""
    outcome, treatment, scores = _checked(outcome, treatment, scores)
    return {
        "qini": qini_coefficient(outcome, treatment, scores),
        "auuc": auuc(outcome, treatment, scores),
        "uplift_at": {f"{fraction:.0%}": uplift_at(outcome, treatment, scores, fraction) for fraction in TOP_FRACTIONS},
    }


def random_targeting(outcome: np.ndarray, treatment: np.ndarray, *, draws: int = RANDOM_DRAWS, seed: int = 0) -> dict:
    """The metrics of random orders: their mean over `draws` shuffles, and the spread of the Qini and AUUC
    (qini_sd, auuc_sd): how far chance alone moves them on this test set."""
    rng = np.random.default_rng(seed)
    runs = [uplift_metrics(outcome, treatment, rng.permutation(len(outcome)).astype(float)) for _ in range(draws)]
    at = {
        key: [run["uplift_at"][key] for run in runs if run["uplift_at"][key] is not None]
        for key in runs[0]["uplift_at"]
    }
    return {
        "qini": float(np.mean([run["qini"] for run in runs])),
        "auuc": float(np.mean([run["auuc"] for run in runs])),
        "uplift_at": {key: float(np.mean(values)) if values else None for key, values in at.items()},
        "qini_sd": float(np.std([run["qini"] for run in runs])),
        "auuc_sd": float(np.std([run["auuc"] for run in runs])),
        "draws": draws,
    }


def strata(treatment: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Treatment x outcome classes to stratify splits on (a numeric outcome counts as zero / non-zero)."""
    return 2 * np.asarray(treatment, dtype=int) + (np.asarray(outcome) != 0)


def learners_cross_validate(
    features: pd.DataFrame,
    treatment: np.ndarray,
    outcome: np.ndarray,
    *,
    learners: tuple[str, ...] = LEARNERS,
    folds: int = 5,
    seed: int = 0,
) -> dict[str, dict]:
    """Qini coefficient and AUUC of each learner on `folds` stratified folds: {learner: {qini_mean, qini_sd, ...}}."""
    splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(
        features, strata(treatment, outcome)
    )
    scores: dict[str, list[dict]] = {learner: [] for learner in learners}
    for fit_rows, held_rows in splits:
        for learner in learners:
            model = UpliftModel(learner=learner).fit(
                features.iloc[fit_rows], treatment[fit_rows], outcome[fit_rows], seed=seed
            )
            uplift = model.predict_uplift(features.iloc[held_rows])
            scores[learner].append(uplift_metrics(outcome[held_rows], treatment[held_rows], uplift))
    return {
        learner: {
            "qini_mean": float(np.mean([run["qini"] for run in runs])),
            "qini_sd": float(np.std([run["qini"] for run in runs])),
            "auuc_mean": float(np.mean([run["auuc"] for run in runs])),
        }
        for learner, runs in scores.items()
    }


def evaluate_files(
    train: str | Path,
    test: str | Path,
    *,
    treatment: str,
    outcome: str,
    learner: str = DEFAULT_LEARNER,
    seed: int = 0,
    progress: Callable[[str], None] = lambda line: None,
) -> dict:
    """Fit the engine and the single-model baseline on `train`, rank `test` by each and by random orders.

    Raises UpliftFileError for a file the engine cannot use. Returns {"train_rows", "test_rows",
    "treatment", "outcome", "outcome_kind", "features", "categorical", "test_treated_share",
    "test_uplift" (the treated minus control mean outcome of the whole test file), "engine" (with
    "learner" and "train_seconds"), "single_model" (the same), "random" (see random_targeting)}."""
    progress(f"reading {train}")
    train_table = uplift_csv_read(train, treatment=treatment, outcome=outcome)
    treated = int(train_table.treatment.sum())
    if min(treated, len(train_table.treatment) - treated) < MIN_GROUP_ROWS:
        raise UpliftFileError(
            f"{train}: {treated} treated and {len(train_table.treatment) - treated} control rows; "
            f"fitting needs at least {MIN_GROUP_ROWS} of each."
        )
    progress(f"reading {test}")
    test_table = uplift_csv_read(test, treatment=treatment, outcome=outcome)
    numeric = numeric_columns(train_table.features)
    columns = list(train_table.features.columns)
    train_x = features_typed(train_table, numeric=numeric)
    test_x = features_typed(test_table, numeric=numeric, columns=columns)
    result = {
        "train_rows": len(train_x),
        "test_rows": len(test_x),
        "treatment": treatment.strip().lower(),
        "outcome": outcome.strip().lower(),
        "outcome_kind": "binary" if is_binary(train_table.outcome) else "numeric",
        "features": columns,
        "categorical": [name for name in columns if name not in numeric],
        "test_treated_share": float(test_table.treatment.mean()),
        "test_uplift": float(
            test_table.outcome[test_table.treatment == 1].mean() - test_table.outcome[test_table.treatment == 0].mean()
        ),
    }
    for name, kind in (("engine", learner), ("single_model", "single_model")):
        progress(f"fitting the {name.replace('_', ' ')} ({kind}) on {len(train_x)} rows")
        started = time.perf_counter()
        model = UpliftModel(learner=kind).fit(train_x, train_table.treatment, train_table.outcome, seed=seed)
        seconds = time.perf_counter() - started
        progress(f"scoring {len(test_x)} test rows with the {name.replace('_', ' ')}")
        scores = model.predict_uplift(test_x)
        result[name] = {
            "learner": kind,
            **uplift_metrics(test_table.outcome, test_table.treatment, scores),
            "train_seconds": round(seconds, 3),
        }
    progress(f"random targeting ({RANDOM_DRAWS} shuffles)")
    result["random"] = random_targeting(test_table.outcome, test_table.treatment, seed=seed)
    return result


def _cumulative(outcome, treatment, scores):
    """Counts and outcome sums of each group among the first n customers, at the end of each run of equal scores."""
    outcome, treatment, scores = _checked(outcome, treatment, scores)
    order = np.argsort(-scores, kind="stable")
    y, t, s = outcome[order], treatment[order], scores[order]
    ends = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    n = ends + 1
    n_t = np.cumsum(t)[ends].astype(float)
    y_t = np.cumsum(y * t)[ends]
    y_c = np.cumsum(y * (1 - t))[ends]
    return n.astype(float), n_t, n - n_t, y_t, y_c


def _checked(outcome, treatment, scores) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    outcome = np.asarray(outcome, dtype=float)
    treatment = np.asarray(treatment, dtype=float)
    scores = np.asarray(scores, dtype=float)
    if not (outcome.shape == treatment.shape == scores.shape) or outcome.ndim != 1 or not len(outcome):
        raise ValueError("outcome, treatment and scores must be non-empty 1-d arrays of the same length.")
    if not np.isin(treatment, (0.0, 1.0)).all():
        raise ValueError("The treatment must be 0 or 1.")
    if not (np.isfinite(outcome).all() and np.isfinite(scores).all()):
        raise ValueError("Outcomes and scores must be finite numbers.")
    return outcome, treatment, scores
