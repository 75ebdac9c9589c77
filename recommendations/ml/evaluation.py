"""Offline evaluation of the engine, next to popularity, on held-out interactions.

`holdout_evaluate` is the protocol both the shop's `als` model kind and `evaluate_recommender`
use: rank every training item for each held-out user with that user's training items removed,
and measure the top k against the user's held-out items (metrics.ranking_metrics). Popularity
(the items with the most training weight) is ranked and measured the same way.

- Held-out users absent from the training data cannot be ranked: they are skipped and counted.
- Held-out items absent from the training data stay relevant (nothing can find them, and the
  figures say so); held-out items a user already had in training are not counted (rankings skip them).

`evaluate` runs the whole protocol on external interaction files: hyper-parameters chosen by
tuning.search on validation folds carved from the training data only (never the test data), a
final fit on all the training data, then `holdout_evaluate` on the test data. The folds imitate
the test split: when every test interaction of (nearly) every user comes after that user's
training interactions, each fold holds out the latest share of each user's training
interactions; otherwise random shares (two folds, to halve the noise).
"""

from dataclasses import dataclass
from time import monotonic

import numpy as np
import scipy.sparse as sp

from recommendations.ml import als, split, tuning
from recommendations.ml.interactions import InteractionMatrix, Interactions, codes, matrix_build
from recommendations.ml.metrics import heldout_users, ranking_metrics

VALIDATION_FRACTION = 0.15
RANDOM_FOLDS = 2
TEMPORAL_SHARE = 0.9  # share of users whose test interactions all follow their training ones


class EvaluationError(ValueError):
    """The data cannot be evaluated (e.g. no held-out user occurs in the training data)."""


@dataclass(frozen=True)
class HoldoutResult:
    engine: dict[str, float]
    popularity: dict[str, float]
    users_evaluated: int
    users_held_out: int
    users_unknown: int  # held-out users absent from the training data


def holdout_evaluate(
    model: als.AlsModel, training: InteractionMatrix, heldout: Interactions, *, k: int
) -> HoldoutResult:
    """Metrics of `model` (fitted on `training`) and of popularity on the held-out interactions."""
    return _measure(model, training, _Heldout.of(training, heldout), k=k)


@dataclass(frozen=True)
class _Heldout:
    """The evaluable held-out users (rows of the training matrix) and their relevant items."""

    rows: np.ndarray
    relevant: sp.csr_matrix  # one row per evaluable user, columns: every item in either data set
    columns: np.ndarray  # training column -> column of `relevant`
    users: int
    unknown: int

    @classmethod
    def of(cls, training: InteractionMatrix, heldout: Interactions) -> "_Heldout":
        items = np.union1d(training.item_ids, heldout.item_ids)
        columns = codes(items, training.item_ids)[0]
        matrix = training.matrix
        seen = sp.csr_matrix((matrix.data, columns[matrix.indices], matrix.indptr), shape=(matrix.shape[0], len(items)))
        rows, relevant = heldout_users(seen, matrix_build(heldout, user_ids=training.user_ids, item_ids=items).matrix)
        users = np.unique(heldout.user_ids)
        unknown = int((~codes(training.user_ids, users)[1]).sum())
        if len(rows) == 0:
            raise EvaluationError(
                f"No held-out user can be evaluated: {unknown} of {len(users)} do not occur in the training data, "
                "and the others have no held-out item beyond their training items."
            )
        return cls(rows=rows, relevant=relevant, columns=columns, users=len(users), unknown=unknown)


def _measure(model: als.AlsModel, training: InteractionMatrix, heldout: _Heldout, *, k: int) -> HoldoutResult:
    exclude = training.matrix[heldout.rows]
    rankings = {
        "engine": model.recommend(heldout.rows, exclude=exclude, k=k),
        "popularity": popular_top_k(np.asarray(training.matrix.sum(axis=0)).ravel(), exclude=exclude, k=k),
    }
    measured = {
        name: ranking_metrics(
            np.where(top >= 0, heldout.columns[top], -1), heldout.relevant, k=k, n_items=len(training.item_ids)
        )
        for name, top in rankings.items()
    }
    return HoldoutResult(
        engine=measured["engine"],
        popularity=measured["popularity"],
        users_evaluated=len(heldout.rows),
        users_held_out=heldout.users,
        users_unknown=heldout.unknown,
    )


def popular_top_k(popularity: np.ndarray, *, exclude: sp.csr_matrix, k: int, batch: int = 4096) -> np.ndarray:
    """Per row of `exclude`: the k most popular columns it does not exclude (ties: lower column first; -1 pads).

    One ranking serves every user, so a row only needs the head of it, as long as its exclusions.
    """
    count = len(popularity)
    order = np.lexsort((np.arange(count), -popularity))
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(count)
    result = np.full((exclude.shape[0], k), -1, dtype=np.int64)
    for start in range(0, exclude.shape[0], batch):
        rows = exclude[start : start + batch]
        lengths = np.diff(rows.indptr)
        head = min(k + int(lengths.max(initial=0)), count)
        dropped = np.zeros((rows.shape[0], head), dtype=bool)
        ranks = rank[rows.indices]
        inside = ranks < head
        dropped[np.repeat(np.arange(rows.shape[0]), lengths)[inside], ranks[inside]] = True
        kept = np.argsort(dropped, axis=1, kind="stable")[:, :k]  # kept columns first, in popularity order
        width = kept.shape[1]
        result[start : start + batch, :width] = np.where(
            np.take_along_axis(dropped, kept, axis=1), -1, order[:head][kept]
        )
    return result


@dataclass(frozen=True)
class Evaluation:
    k: int
    result: HoldoutResult
    train_seconds: float  # hyper-parameter search plus the final fit
    tune_seconds: float
    trials: int
    params: als.AlsParams
    device: str
    validation: str  # "random" or "latest": how the validation folds were carved; "none": too little data
    train_interactions: int
    train_users: int
    train_items: int

    def as_dict(self) -> dict:
        return {
            "k": self.k,
            "engine": self.result.engine,
            "popularity": self.result.popularity,
            "train_seconds": round(self.train_seconds, 3),
            "tune_seconds": round(self.tune_seconds, 3),
            "trials": self.trials,
            "engine_params": self.params.as_dict(),
            "device": self.device,
            "validation": self.validation,
            "users_evaluated": self.result.users_evaluated,
            "test_users": self.result.users_held_out,
            "test_users_unknown": self.result.users_unknown,
            "train_interactions": self.train_interactions,
            "train_users": self.train_users,
            "train_items": self.train_items,
        }


def evaluate(
    train: Interactions,
    test: Interactions,
    *,
    k: int = 10,
    seed: int = 0,
    tune_seconds: float = 30.0,
    device: str = "cpu",
    num_threads: int = 0,
) -> Evaluation:
    """Train the engine on `train`, measure it and popularity on `test` (see the module docstring)."""
    if k < 1:
        raise EvaluationError(f"k must be at least 1, not {k}.")
    training = matrix_build(train)
    heldout = _Heldout.of(training, test)  # before training: an unusable test file fails at once
    started = monotonic()
    validation = "latest" if _is_temporal(train, test) else "random"
    try:
        search = tuning.search(
            _folds(train, training, validation=validation, seed=seed),
            k=k,
            budget_seconds=tune_seconds,
            device=device,
            seed=seed,
            num_threads=num_threads,
        )
        params, trials = search.best, len(search.trials)
    except tuning.NothingToValidate:  # e.g. one interaction per user: keep the defaults
        params, trials, validation = als.AlsParams(), 0, "none"
    tuned = monotonic()
    model = als.fit(training, params=params, device=device, seed=seed, num_threads=num_threads)
    train_seconds = monotonic() - started
    return Evaluation(
        k=k,
        result=_measure(model, training, heldout, k=k),
        train_seconds=train_seconds,
        tune_seconds=tuned - started,
        trials=trials,
        params=params,
        device=device,
        validation=validation,
        train_interactions=len(train),
        train_users=len(training.user_ids),
        train_items=len(training.item_ids),
    )


def _is_temporal(train: Interactions, test: Interactions) -> bool:
    """Do (nearly) all shared users' test interactions come at or after their last training one?"""
    if np.isnan(train.times).any() or np.isnan(test.times).any():
        return False
    users = np.union1d(train.user_ids, test.user_ids)
    last_train = np.full(len(users), -np.inf)
    np.maximum.at(last_train, codes(users, train.user_ids)[0], train.times)
    first_test = np.full(len(users), np.inf)
    np.minimum.at(first_test, codes(users, test.user_ids)[0], test.times)
    shared = np.isfinite(last_train) & np.isfinite(first_test)
    return bool(shared.any() and np.mean(first_test[shared] >= last_train[shared]) >= TEMPORAL_SHARE)


def _folds(
    train: Interactions, training: InteractionMatrix, *, validation: str, seed: int
) -> list[tuple[InteractionMatrix, sp.csr_matrix]]:
    """Validation folds carved from the training interactions, on the full matrix's rows and columns."""
    user_codes = codes(training.user_ids, train.user_ids)[0]
    if validation == "latest":
        masks = [split.latest_per_user(user_codes, train.times, test_fraction=VALIDATION_FRACTION)]
    else:
        masks = [
            split.random_per_user(user_codes, test_fraction=VALIDATION_FRACTION, seed=seed * RANDOM_FOLDS + fold)
            for fold in range(RANDOM_FOLDS)
        ]
    ids = {"user_ids": training.user_ids, "item_ids": training.item_ids}
    return [
        (matrix_build(train.subset(~mask), **ids), matrix_build(train.subset(mask), **ids).matrix) for mask in masks
    ]
