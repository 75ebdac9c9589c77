"""A bounded hyper-parameter search for the ALS engine on held-out folds, within a time budget.

What matters most for implicit ALS is how strongly interactions count (`alpha`) against how
strongly vectors are pulled to zero (`regularization`); the best regularization grows with alpha,
so the search walks over alpha and the ratio regularization / alpha, on a log scale:

1. the start (the engine's defaults), then a coarse grid (alpha 1, 3, 9 x ratio 1, 3, 9, 27,
   centre first);
2. a coordinate search around the best point with shrinking steps (x1.7, then x1.3);
3. the other confidence schemes, more and fewer factors, more iterations, one at a time.

Each trial fits on every fold's training matrix and scores NDCG@k of each held-out user. A
candidate replaces the best point only when it wins by more than one standard error of the
per-user differences (paired, so the noise of small validation sets does not pick a neighbour
by chance), and in stage 3 also by more than 1 %: on MovieLens-100k, BM25 won validation folds
by 0.5 % and then lost 4 % on the test split. The search stops when the time budget is spent
(the trial under way finishes; the first trial always runs) and returns the best point so far.
Deterministic for a given seed, apart from where the budget cuts.

Hand-written rather than a library such as Optuna: at 10-60 trials a deterministic grid plus
coordinate search finds the same optimum, the paired acceptance rule needs per-user scores,
and it needs no study storage or extra dependencies.
"""

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from time import monotonic

import numpy as np
import scipy.sparse as sp

from recommendations.ml import als
from recommendations.ml.interactions import InteractionMatrix
from recommendations.ml.metrics import heldout_users, per_user_metrics

# (alpha, regularization / alpha): alpha in 1, 3, 9 x ratio in 1, 3, 9, 27, from the centre outwards,
# so that a budget which allows only a few trials on a large data set still spans the range.
GRID = ((3, 3), (3, 9), (1, 3), (9, 3), (3, 1), (3, 27), (1, 9), (9, 9), (1, 1), (9, 1), (1, 27), (9, 27))
STEPS = (1.7, 1.3)
CHANGE_MARGIN = 0.01  # stage 3 changes must also win by 1 % (relative)


class NothingToValidate(ValueError):
    """No fold has a held-out user with an item beyond their training items: nothing to search on."""


@dataclass(frozen=True, eq=False)
class Trial:
    params: als.AlsParams
    score: float  # mean NDCG@k on the held-out items
    seconds: float
    per_user: np.ndarray  # NDCG@k of each held-out user of each fold, in the same order for every trial

    def beats(self, other: "Trial", *, margin: float = 0.0) -> bool:
        """Better by more than one standard error of the per-user differences, and by `margin` (relative)."""
        differences = self.per_user - other.per_user
        error = differences.std(ddof=1) / np.sqrt(len(differences)) if len(differences) > 1 else 0.0
        return differences.mean() > max(error, margin * abs(other.score))


@dataclass(frozen=True)
class SearchResult:
    best: als.AlsParams
    score: float
    trials: tuple[Trial, ...]
    seconds: float


def search(
    folds: Sequence[tuple[InteractionMatrix, sp.csr_matrix]],
    *,
    k: int = 10,
    budget_seconds: float = 30.0,
    device: str = "cpu",
    seed: int = 0,
    num_threads: int = 0,
    start: als.AlsParams | None = None,
    progress: Callable[[float], None] | None = None,
) -> SearchResult:
    """The best ALS parameters for ranking each fold's held-out items from its training matrix.

    A fold is (train, heldout), heldout a users x items matrix of train's shape; a trial's score
    is its mean NDCG@k over the folds (two random carves halve the noise of one).
    """
    prepared = []
    for train, heldout in folds:
        rows, relevant = heldout_users(train.matrix, heldout)
        if len(rows) == 0:
            raise NothingToValidate("No held-out user has an item that is not already in their training data.")
        prepared.append((train, rows, relevant, train.matrix[rows]))
    started = monotonic()
    trials: dict[als.AlsParams, Trial] = {}

    def ndcg(params: als.AlsParams, train: InteractionMatrix, rows, relevant, exclude) -> np.ndarray:
        model = als.fit(train, params=params, device=device, seed=seed, num_threads=num_threads)
        return per_user_metrics(model.recommend(rows, exclude=exclude, k=k), relevant, k=k)["ndcg"]

    def trial(params: als.AlsParams) -> Trial:
        if params not in trials:
            if trials and monotonic() - started >= budget_seconds:
                raise _BudgetSpent
            began = monotonic()
            per_user = np.concatenate([ndcg(params, *fold) for fold in prepared])
            trials[params] = Trial(params, float(per_user.mean()), monotonic() - began, per_user)
            if progress is not None:
                progress(min((monotonic() - started) / budget_seconds, 1.0) if budget_seconds else 1.0)
        return trials[params]

    chosen = [start or als.AlsParams()]  # the incumbent, as far as the search got
    with contextlib.suppress(_BudgetSpent):
        _walk(trial, chosen)
    winner = chosen[0]
    return SearchResult(
        best=winner, score=trials[winner].score, trials=tuple(trials.values()), seconds=monotonic() - started
    )


class _BudgetSpent(Exception):
    """The time budget ran out before the next trial."""


def _walk(trial: Callable[[als.AlsParams], Trial], chosen: list[als.AlsParams]) -> None:
    """The three stages of the module docstring; `chosen[0]` always holds the best parameters so far."""

    def consider(candidate: als.AlsParams, *, margin: float = 0.0) -> None:
        if trial(candidate).beats(trial(chosen[0]), margin=margin):
            chosen[0] = candidate

    start = chosen[0]
    trial(start)
    for alpha, ratio in GRID:
        consider(_at(start, alpha=alpha, ratio=ratio))
    for step in STEPS:
        centre = None
        while centre != chosen[0]:
            centre = chosen[0]
            ratio = centre.regularization / centre.alpha
            for alpha, new_ratio in (
                (centre.alpha * step, ratio),
                (centre.alpha / step, ratio),
                (centre.alpha, ratio * step),
                (centre.alpha, ratio / step),
            ):
                consider(_at(centre, alpha=alpha, ratio=new_ratio))
    for change in (
        {"confidence": "log"},
        {"confidence": "bm25"},
        {"factors": chosen[0].factors * 2},
        {"factors": max(chosen[0].factors // 2, 8)},
        {"iterations": chosen[0].iterations * 2},
    ):
        consider(replace(chosen[0], **change), margin=CHANGE_MARGIN)


def _at(params: als.AlsParams, *, alpha: float, ratio: float) -> als.AlsParams:
    """`params` with alpha and regularization = alpha * ratio, rounded to 3 significant digits."""
    return replace(params, alpha=_round(float(alpha)), regularization=_round(float(alpha * ratio)))


def _round(value: float) -> float:
    return round(value, 2 - math.floor(math.log10(abs(value))))
