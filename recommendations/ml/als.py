"""The recommendation engine: implicit-feedback ALS (the `implicit` library), on the CPU or a CUDA GPU.

Every user and item gets a vector of `factors` numbers; a user's score for an item is the dot
product. ALS learns them from the users x items matrix of interaction weights (Hu, Koren and
Volinsky 2008): the weights, transformed by a confidence scheme (interactions.ConfidenceTransform)
and multiplied by `alpha`, say how sure we are that a user likes an item; every other item counts as
a weak "no". `regularization` keeps vectors small, which matters most for users and items with
few interactions. The same engine serves the shop (the `als` model kind) and the offline
evaluation of external files (`evaluate_recommender`), so what is measured is what is served.

Plain ALS, tuned by tuning.search, reaches the MovieLens-100k target of bench/movielens.py
(NDCG@10 0.484, P@10 0.422, mean of 3 seeds). Blends with an item-item model (EASE, implicit's
BM25 item-kNN) added at most 0.002 NDCG@10 in experiments on the same splits, and EASE cannot
hold a 100,000-product catalog's item x item matrix, so the engine stays plain ALS.

Artifacts are one `.npz` file of plain arrays: the factors, the row and column ids, the
hyper-parameters and the fitted confidence transform (which puts a shopper's new events on the
scale the model learned on). Never pickled objects.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares as CpuAls
from implicit.cpu.topk import topk
from threadpoolctl import threadpool_limits

from recommendations.ml.interactions import CONFIDENCE_SCHEMES, ConfidenceTransform, InteractionMatrix, codes

ARTIFACT_FILE = "als.npz"
FILTERED = np.finfo(np.float32).min  # the score implicit's topk gives items it had to skip


@dataclass(frozen=True)
class AlsParams:
    """Hyper-parameters. The defaults are the centre of tuning.search's grid: its first trial."""

    factors: int = 64
    regularization: float = 9.0
    alpha: float = 3.0
    iterations: int = 15
    confidence: str = "none"

    def __post_init__(self) -> None:
        if (
            self.factors < 1
            or self.iterations < 1
            or not self.regularization >= 0
            or not self.alpha > 0
            or self.confidence not in CONFIDENCE_SCHEMES
        ):
            raise ValueError(
                "ALS needs factors >= 1, iterations >= 1, regularization >= 0, alpha > 0 and a confidence "
                f"scheme among {', '.join(CONFIDENCE_SCHEMES)} (got {self})."
            )

    def as_dict(self) -> dict[str, int | float | str]:
        return asdict(self)


@dataclass(frozen=True)
class AlsModel:
    """Learned user and item vectors (float32) with the ids of their rows, and how they were learned:
    `confidence` turns weights over `item_ids` into what the vectors were fitted to."""

    user_factors: np.ndarray
    item_factors: np.ndarray
    user_ids: np.ndarray
    item_ids: np.ndarray
    params: AlsParams
    device: str
    confidence: ConfidenceTransform

    def recommend(
        self, user_rows: np.ndarray, *, exclude: sp.csr_matrix, k: int, skip_items: np.ndarray | None = None
    ) -> np.ndarray:
        """Top-k item columns for the given user rows, best first, skipping `exclude` (one row per user)
        and the columns `skip_items` (e.g. products that cannot be sold)."""
        return top_k(self.user_factors[user_rows], self.item_factors, exclude=exclude, k=k, skip_items=skip_items)


def fit(
    data: InteractionMatrix,
    *,
    params: AlsParams,
    device: str = "cpu",
    seed: int = 0,
    num_threads: int = 0,
    progress: Callable[[float], None] | None = None,
    warm_start: "AlsModel | None" = None,
    iterations: int | None = None,
) -> AlsModel:
    """Learn user and item vectors from `data` (weights as interactions.matrix_build sums them).

    `device` "cuda" trains with implicit's CUDA kernels (the caller checked `implicit.gpu.HAS_CUDA`
    through ml.device); the vectors come back to the CPU either way. `num_threads` 0 uses every core.
    `warm_start` (CPU only): start from that model's vectors for the ids it knows (new ids start
    random), and run `iterations` instead of params.iterations: refitting a converged model on a few
    more days of data needs a few iterations, not a full fit.
    """
    transform = ConfidenceTransform.fit(data.matrix, scheme=params.confidence)
    confidences = transform.apply(data.matrix)
    rounds = iterations or params.iterations

    def report(iteration: int, _elapsed: float, _loss) -> None:
        if progress is not None:
            progress((iteration + 1) / rounds)

    # implicit parallelises itself; BLAS threads on top of that only compete for the same cores.
    with threadpool_limits(limits=1, user_api="blas"):
        model = implicit_model(replace(params, iterations=rounds), device=device, seed=seed, num_threads=num_threads)
        if warm_start is not None and device == "cpu":
            rng = np.random.default_rng(seed)
            model.user_factors = _aligned(warm_start.user_factors, warm_start.user_ids, data.user_ids, rng)
            model.item_factors = _aligned(warm_start.item_factors, warm_start.item_ids, data.item_ids, rng)
        model.fit(confidences, show_progress=False, callback=report)
    if device == "cuda":
        model = model.to_cpu()
    return AlsModel(
        user_factors=np.ascontiguousarray(model.user_factors, dtype=np.float32),
        item_factors=np.ascontiguousarray(model.item_factors, dtype=np.float32),
        user_ids=data.user_ids,
        item_ids=data.item_ids,
        params=params,
        device=device,
        confidence=transform,
    )


def _aligned(factors: np.ndarray, known_ids: np.ndarray, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Rows for `ids`: the known ids' rows of `factors`, small random ones (as implicit starts) for new ids."""
    result = (rng.random((len(ids), factors.shape[1]), dtype=np.float32) * 0.01).astype(np.float32)
    rows, known = codes(known_ids, ids)
    result[known] = factors[rows[known]]
    return result


def implicit_model(params: AlsParams, *, device: str, seed: int, num_threads: int):
    """The unfitted implicit model `fit` uses on `device` (implicit.gpu's for "cuda")."""
    settings = {
        "factors": params.factors,
        "regularization": params.regularization,
        "alpha": params.alpha,
        "iterations": params.iterations,
        "random_state": seed,
    }
    if device == "cuda":
        from implicit.gpu.als import AlternatingLeastSquares as GpuAls  # needs CUDA and RMM: import only here

        return GpuAls(**settings)
    if device != "cpu":
        raise ValueError(f"device must be 'cpu' or 'cuda', not {device!r}.")
    return CpuAls(**settings, num_threads=num_threads)


def top_k(
    queries: np.ndarray,
    items: np.ndarray,
    *,
    exclude: sp.csr_matrix | None,
    k: int,
    skip_items: np.ndarray | None = None,
    num_threads: int = 0,
) -> np.ndarray:
    """Columns of the k largest `queries @ items.T` per row, best first, skipping each row's `exclude`
    columns (one CSR row per query) and every column in `skip_items`; -1 pads.

    implicit's topk does the scoring (BLAS) and the selection (C++) 100 rows at a time on every
    core, so no users x items score matrix is ever held. It reads row i's exclusions as
    `exclude[i].indices`: _RowIndices hands it those straight from the CSR arrays, where scipy's
    row slicing would cost more than the scoring.
    """
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    items = np.ascontiguousarray(items, dtype=np.float32)
    result = np.full((len(queries), k), -1, dtype=np.int64)
    width = min(k, len(items))
    if len(queries) == 0 or width == 0:
        return result
    rows = None
    if exclude is not None and exclude.nnz:
        exclude = sp.csr_matrix(exclude)
        if exclude.shape[0] != len(queries):
            raise ValueError(f"exclude needs one row per query ({len(queries)}), not {exclude.shape[0]}.")
        rows = _RowIndices(exclude.indptr, exclude.indices)
    skip = None if skip_items is None or len(skip_items) == 0 else np.asarray(skip_items, dtype=np.int64)
    # Its threads each call BLAS; BLAS threads on top of them would only compete for the same cores.
    with threadpool_limits(limits=1, user_api="blas"):
        ids, scores = topk(items, queries, width, filter_query_items=rows, filter_items=skip, num_threads=num_threads)
    result[:, :width] = np.where(scores == FILTERED, -1, ids)
    return result


class _RowIndices:
    """A CSR matrix's rows as implicit's topk reads its `filter_query_items`: `rows[i].indices`."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray) -> None:
        self.indptr, self.indices = indptr, indices

    def __getitem__(self, row: int) -> SimpleNamespace:
        return SimpleNamespace(indices=self.indices[self.indptr[row] : self.indptr[row + 1]])


def empty() -> AlsModel:
    """A model that knows no user and no item (the serving baseline): callers fall back to popularity."""
    params = AlsParams()
    nothing = np.empty((0, params.factors), dtype=np.float32)
    ids = np.empty(0, dtype=np.int64)
    return AlsModel(nothing, nothing, ids, ids, params, "cpu", ConfidenceTransform(scheme=params.confidence))


def save(model: AlsModel, folder: Path) -> None:
    np.savez(
        folder / ARTIFACT_FILE,
        user_factors=model.user_factors,
        item_factors=model.item_factors,
        user_ids=model.user_ids,
        item_ids=model.item_ids,
        device=np.array(model.device),
        **{f"param_{name}": np.array(value) for name, value in model.params.as_dict().items()},
        **model.confidence.as_arrays(),
    )


def load(folder: Path) -> AlsModel:
    """Read a model written by `save`; a ValueError when the file does not hold such a model."""
    with np.load(folder / ARTIFACT_FILE, allow_pickle=False) as arrays:
        fields = {name: arrays[name] for name in arrays.files}
    try:
        users, items = fields["user_factors"], fields["item_factors"]
        user_ids, item_ids = fields["user_ids"], fields["item_ids"]
        params = AlsParams(
            factors=int(fields["param_factors"]),
            regularization=float(fields["param_regularization"]),
            alpha=float(fields["param_alpha"]),
            iterations=int(fields["param_iterations"]),
            confidence=str(fields["param_confidence"]),
        )
        device = str(fields["device"])
        transform = ConfidenceTransform.from_arrays(fields)
    except KeyError as exc:
        raise ValueError(f"{ARTIFACT_FILE} lacks the array {exc}.") from None
    if (
        users.dtype != np.float32
        or items.dtype != np.float32
        or users.ndim != 2
        or items.ndim != 2
        or users.shape[1] != items.shape[1]
        or users.shape[0] != len(user_ids)
        or items.shape[0] != len(item_ids)
    ):
        raise ValueError(f"{ARTIFACT_FILE} does not hold float32 factors of one width matching its id arrays.")
    if transform.scheme != params.confidence or (transform.scheme == "bm25" and len(transform.idf) != len(item_ids)):
        raise ValueError(f"{ARTIFACT_FILE} holds a confidence transform of another scheme or of other items.")
    return AlsModel(users, items, user_ids, item_ids, params, device, transform)
