"""User-item interaction matrices for the recommender: pure numpy and scipy, no Django.

The shop's event log and external interaction files both end up as `Interactions` (columnar
rows: who, what, how much, when), then as an `InteractionMatrix` (users x items, duplicates
summed) that the engine learns from. This module also holds the two weightings the shop applies
before that: a weight per event kind with time decay (`event_weights`), and the confidence
scheme the engine can be tuned with (`ConfidenceTransform`, fitted on the training matrix and
applied alike to it and to a shopper's new events); and the reader of external interaction
files (`interactions_read_csv`, for evaluate_recommender).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ml.csv_input import csv_rows_read
from recommendations.ml.popularity import EVENT_KINDS, SECONDS_PER_DAY

CONFIDENCE_SCHEMES = ("none", "log", "bm25")
BM25_K1, BM25_B = 100.0, 0.8  # implicit's bm25_weight(X, K1=100, B=0.8)
FILE_REQUIRED = ("user_id", "item_id")
FILE_OPTIONAL = ("weight", "timestamp")
# How interaction files word the reading problems of ml.csv_input (the rest keep its defaults).
FILE_MESSAGES = {
    "no_file": "cannot be read ({reason}).",
    "not_utf8": "the text is not UTF-8.",
    "empty_file": "the file is empty; expected a header line such as user_id,item_id,weight,timestamp.",
    "missing_columns": "missing column {missing: and }; the header must name {required: and } "
    "(optionally {optional: and }), found: {found:,}.",
    "empty_cell": "{required: and } must not be empty.",
    "no_rows": "no interactions after the header line.",
}


class InteractionFileError(ValueError):
    """An interaction file that cannot be used; the message names the file and, where it can, the line."""


@dataclass(frozen=True)
class Interactions:
    """Columnar interactions: user and item ids (int64 or str arrays), weights, Unix times (NaN: unknown)."""

    user_ids: np.ndarray
    item_ids: np.ndarray
    weights: np.ndarray
    times: np.ndarray

    def __post_init__(self) -> None:
        if not len(self.user_ids) == len(self.item_ids) == len(self.weights) == len(self.times):
            raise ValueError("user_ids, item_ids, weights and times must have the same length.")

    def __len__(self) -> int:
        return len(self.user_ids)

    def subset(self, mask: np.ndarray) -> "Interactions":
        return Interactions(self.user_ids[mask], self.item_ids[mask], self.weights[mask], self.times[mask])


@dataclass(frozen=True)
class InteractionMatrix:
    """Users x items matrix of summed weights (float32 CSR); row and column ids sorted ascending."""

    matrix: sp.csr_matrix
    user_ids: np.ndarray
    item_ids: np.ndarray

    @property
    def nnz(self) -> int:
        return self.matrix.nnz


@dataclass(frozen=True)
class UserEvents:
    """The shop's events of signed-in users as columns, up to `end` (Unix time; ages count from there).

    user_ids and product_ids are int64; kinds are int8 codes into popularity.EVENT_KINDS.
    """

    user_ids: np.ndarray
    product_ids: np.ndarray
    kinds: np.ndarray
    times: np.ndarray
    end: float

    def __post_init__(self) -> None:
        if not len(self.user_ids) == len(self.product_ids) == len(self.kinds) == len(self.times):
            raise ValueError("user_ids, product_ids, kinds and times must have the same length.")

    def __len__(self) -> int:
        return len(self.user_ids)

    def before(self, cut: float) -> "UserEvents":
        return self._masked(self.times < cut, end=cut)

    def since(self, cut: float) -> "UserEvents":
        return self._masked(self.times >= cut, end=self.end)

    def of_kinds(self, names: list[str] | tuple[str, ...]) -> "UserEvents":
        return self._masked(np.isin(self.kinds, [EVENT_KINDS.index(name) for name in names]), end=self.end)

    def weighted(self, *, kind_weights: Mapping[str, float], half_life_days: float) -> Interactions:
        """One interaction per event, weighted by its kind and decayed to `end` (see event_weights)."""
        weights = event_weights(
            self.kinds, self.times, kind_weights=kind_weights, half_life_days=half_life_days, end=self.end
        )
        keep = weights > 0
        return Interactions(self.user_ids[keep], self.product_ids[keep], weights[keep], self.times[keep])

    def _masked(self, mask: np.ndarray, *, end: float) -> "UserEvents":
        return UserEvents(self.user_ids[mask], self.product_ids[mask], self.kinds[mask], self.times[mask], end=end)


def interactions_build(*, user_ids, item_ids, weights=None, times=None) -> Interactions:
    """`Interactions` from sequences; weights default to 1 and times to unknown."""
    user_ids, item_ids = np.asarray(user_ids), np.asarray(item_ids)
    count = len(user_ids)
    return Interactions(
        user_ids=user_ids,
        item_ids=item_ids,
        weights=np.ones(count) if weights is None else np.asarray(weights, dtype=np.float64),
        times=np.full(count, np.nan) if times is None else np.asarray(times, dtype=np.float64),
    )


def matrix_build(
    interactions: Interactions, *, user_ids: np.ndarray | None = None, item_ids: np.ndarray | None = None
) -> InteractionMatrix:
    """The users x items matrix of `interactions`, weights of repeated (user, item) pairs summed.

    Rows and columns are the given ids (sorted ascending), or by default every id that occurs;
    interactions of ids outside the given ones are left out.
    """
    users, rows, row_known = _coded(interactions.user_ids, user_ids)
    items, columns, column_known = _coded(interactions.item_ids, item_ids)
    keep = row_known & column_known
    matrix = sp.csr_matrix(
        (interactions.weights[keep].astype(np.float32), (rows[keep], columns[keep])),
        shape=(len(users), len(items)),
        dtype=np.float32,
    )
    matrix.sum_duplicates()
    return InteractionMatrix(matrix=matrix, user_ids=users, item_ids=items)


def _coded(ids: np.ndarray, vocabulary: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the vocabulary: given, or every id sorted; each id's position in it; whether it is in it)."""
    if vocabulary is None:
        unique, positions = np.unique(ids, return_inverse=True)
        return unique, positions.reshape(-1), np.ones(len(ids), dtype=bool)
    vocabulary = np.asarray(vocabulary)
    return (vocabulary, *codes(vocabulary, ids))


def codes(vocabulary: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions of `ids` in the sorted `vocabulary`, whether each id is in it at all)."""
    if len(vocabulary) == 0:
        return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool)
    positions = np.searchsorted(vocabulary, ids)
    clipped = np.minimum(positions, len(vocabulary) - 1)
    return clipped, vocabulary[clipped] == ids


def event_weights(
    kinds: np.ndarray, times: np.ndarray, *, kind_weights: Mapping[str, float], half_life_days: float, end: float
) -> np.ndarray:
    """`weight[kind] * 0.5 ** (age_days / half_life_days)` per event (kind codes index popularity.EVENT_KINDS)."""
    unknown = set(kind_weights) - set(EVENT_KINDS)
    if unknown or half_life_days <= 0 or any(weight < 0 for weight in kind_weights.values()):
        raise ValueError(
            f"kind_weights must map {', '.join(EVENT_KINDS)} to weights >= 0 and half_life_days must be > 0 "
            f"(got {dict(kind_weights)}, {half_life_days})."
        )
    per_kind = np.array([float(kind_weights.get(kind, 0.0)) for kind in EVENT_KINDS])
    age_days = np.maximum(end - times, 0.0) / SECONDS_PER_DAY
    return per_kind[kinds] * np.power(0.5, age_days / half_life_days)


@dataclass(frozen=True, eq=False)
class ConfidenceTransform:
    """How raw weights become the confidences the engine learns from, with the training matrix's statistics.

    `fit` takes them from the training matrix; `apply` transforms that matrix, or rows over the same
    columns later (a shopper's new events, folded in when they are served), with those statistics,
    never a row's own: a row gets exactly the values it has in the matrix the engine learned from.

    - `none`: the summed weights as they are;
    - `log`: log(1 + weight / training's mean weight), which damps heavy repeat interactions;
    - `bm25`: implicit's BM25 weighting (its `bm25_weight`, computed the same way in float32), with
      training's idf per item and mean row sum: rarer items and shorter histories count more. The
      idf is 0 or negative for items nearly every user has, and implicit would read a negative value
      as a dislike: such values get training's smallest positive one (`floor`) instead.

    Every value is then divided by `mean`, which scales the training matrix to mean 1: that makes
    the engine's `alpha` independent of the weights' unit (counts, ratings, the shop's kind
    weights), so one search range fits every data set. Its numbers travel with the model in its
    npz artifact (`as_arrays`, `from_arrays`).
    """

    scheme: str
    weight_mean: float = 1.0  # log: training's mean weight
    idf: np.ndarray = field(default_factory=lambda: np.empty(0))  # bm25: per column
    average_length: float = 1.0  # bm25: training's mean row sum
    floor: float = 1.0  # bm25: training's smallest positive weight
    mean: float = 1.0  # training's mean after the scheme

    def __post_init__(self) -> None:
        if self.scheme not in CONFIDENCE_SCHEMES:
            raise ValueError(
                f"Unknown confidence scheme {self.scheme!r}; expected one of {', '.join(CONFIDENCE_SCHEMES)}."
            )

    @classmethod
    def fit(cls, matrix: sp.spmatrix, *, scheme: str) -> "ConfidenceTransform":
        """The `scheme` transform with the statistics of `matrix`, the users x items weights to train on."""
        values = _stored(matrix)
        if values.nnz == 0:
            return cls(scheme=scheme, idf=np.zeros(values.shape[1]) if scheme == "bm25" else np.empty(0))
        fitted = cls(scheme=scheme)
        if scheme == "log":
            fitted = cls(scheme=scheme, weight_mean=float(values.data.mean()))
        elif scheme == "bm25":
            users_per_item = np.bincount(values.indices, minlength=values.shape[1])
            fitted = cls(
                scheme=scheme,
                idf=np.log(float(values.shape[0])) - np.log1p(users_per_item),
                average_length=float(_row_sums(values).mean()),
            )
            weights = fitted._weighted(values)
            positive = weights > 0
            fitted = replace(fitted, floor=float(weights[positive].min()) if positive.any() else 1.0)
        return replace(fitted, mean=float(fitted.apply(values).data.mean()))

    def apply(self, matrix: sp.spmatrix) -> sp.csr_matrix:
        """The confidences of `matrix`'s rows (float32 CSR): the training matrix, or new rows of its columns."""
        result = _stored(matrix)
        if self.scheme == "bm25" and result.shape[1] != len(self.idf):
            raise ValueError(f"The matrix has {result.shape[1]} columns; the transform was fitted on {len(self.idf)}.")
        weights = self._weighted(result)
        if self.scheme == "bm25":
            weights = np.where(weights > 0, weights, np.float32(self.floor))
        result.data = weights / np.float32(self.mean)
        return result

    def _weighted(self, values: sp.csr_matrix) -> np.ndarray:
        """The stored values after the scheme, before the floor and the scaling (float32, as at training)."""
        if self.scheme == "log":
            return np.log1p(values.data / np.float32(self.weight_mean))
        if self.scheme == "bm25":
            length_norm = (1.0 - BM25_B) + BM25_B * _row_sums(values) / np.float32(self.average_length)
            data, columns = values.data, values.indices
            weights = data * (BM25_K1 + 1.0) / (BM25_K1 * length_norm[_rows(values)] + data) * self.idf[columns]
            return weights.astype(np.float32)
        return values.data

    def as_arrays(self) -> dict[str, np.ndarray]:
        """Its numbers as arrays named `confidence_<field>`, for an npz file (`from_arrays` reads them back)."""
        return {f"confidence_{item.name}": np.asarray(getattr(self, item.name)) for item in fields(self)}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> "ConfidenceTransform":
        """The transform `as_arrays` wrote; a KeyError names the array that is missing."""
        numbers = {item.name: arrays[f"confidence_{item.name}"] for item in fields(cls)}
        return cls(
            scheme=str(numbers["scheme"]),
            weight_mean=float(numbers["weight_mean"]),
            idf=np.asarray(numbers["idf"], dtype=np.float64),
            average_length=float(numbers["average_length"]),
            floor=float(numbers["floor"]),
            mean=float(numbers["mean"]),
        )


def _stored(matrix: sp.spmatrix) -> sp.csr_matrix:
    """A float32 CSR copy of `matrix`, duplicates summed and explicit zeros dropped: what a transform reads."""
    result = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    result.sum_duplicates()
    result.eliminate_zeros()
    return result


def _row_sums(values: sp.csr_matrix) -> np.ndarray:
    """Each row's sum, added in float32 in stored order as implicit's bm25_weight does: a row alone sums the same."""
    sums = np.zeros(values.shape[0], dtype=np.float32)
    np.add.at(sums, _rows(values), values.data)
    return sums


def _rows(values: sp.csr_matrix) -> np.ndarray:
    """The row of each stored value."""
    return np.repeat(np.arange(values.shape[0]), np.diff(values.indptr))


def confidence(matrix: sp.spmatrix, *, scheme: str) -> sp.csr_matrix:
    """The confidences of the training matrix `matrix` under `scheme` (ConfidenceTransform fitted on it)."""
    return ConfidenceTransform.fit(matrix, scheme=scheme).apply(matrix)


def interactions_read_csv(path: Path) -> Interactions:
    """Interactions from a CSV file with a header row: user_id, item_id and optionally weight, timestamp.

    Ids are kept as strings. A weight must be a number > 0 (default 1; repeated pairs add up); a
    timestamp is Unix seconds or an ISO 8601 date-time (UTC when it names no zone). An empty weight
    or timestamp cell is missing (weight 1, time unknown); other columns are ignored and blank lines
    skipped (ml.csv_input). Anything else raises InteractionFileError naming the line.
    """
    user_ids: list[str] = []
    item_ids: list[str] = []
    weights: list[float] = []
    times: list[float] = []
    rows = csv_rows_read(
        path=path, required=FILE_REQUIRED, optional=FILE_OPTIONAL, messages=FILE_MESSAGES, error=InteractionFileError
    )
    for line, cells in rows:
        user_ids.append(cells["user_id"])
        item_ids.append(cells["item_id"])
        weights.append(1.0 if cells["weight"] is None else _weight(path, line, cells["weight"]))
        times.append(math.nan if cells["timestamp"] is None else _timestamp(path, line, cells["timestamp"]))
    return interactions_build(user_ids=np.array(user_ids), item_ids=np.array(item_ids), weights=weights, times=times)


def _weight(path: Path, line: int, cell: str) -> float:
    try:
        weight = float(cell)
    except ValueError:
        raise InteractionFileError(f"{path}, line {line}: weight {cell!r} is not a number.") from None
    if not (math.isfinite(weight) and weight > 0):
        raise InteractionFileError(f"{path}, line {line}: weight {cell!r} must be a number greater than 0.")
    return weight


def _timestamp(path: Path, line: int, cell: str) -> float:
    text = cell.strip()
    try:
        value = float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InteractionFileError(
                f"{path}, line {line}: timestamp {cell!r} is neither Unix seconds nor an ISO 8601 date-time."
            ) from None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    if not math.isfinite(value):
        raise InteractionFileError(f"{path}, line {line}: timestamp {cell!r} is not a finite number.")
    return value
