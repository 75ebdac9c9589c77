"""User-item interaction matrices for the recommender: pure numpy and scipy, no Django.

The shop's event log and external interaction files both end up as `Interactions` (columnar
rows: who, what, how much, when), then as an `InteractionMatrix` (users x items, duplicates
summed) that the engine learns from. This module also holds the two weightings the shop applies
before that: a weight per event kind with time decay (`event_weights`), and the confidence
scheme the engine can be tuned with (`confidence`); and the reader of external interaction
files (`interactions_read_csv`, for evaluate_recommender).
"""

import csv
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from implicit.nearest_neighbours import bm25_weight

from recommendations.ml.popularity import EVENT_KINDS, SECONDS_PER_DAY

CONFIDENCE_SCHEMES = ("none", "log", "bm25")
FILE_COLUMNS = ("user_id", "item_id", "weight", "timestamp")  # the first two are required


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


def confidence(matrix: sp.csr_matrix, *, scheme: str) -> sp.csr_matrix:
    """The matrix the engine learns from: weights transformed by `scheme`, then scaled to mean 1.

    - `none`: the summed weights as they are;
    - `log`: log(1 + weight / mean weight), which damps heavy repeat interactions;
    - `bm25`: implicit's BM25 weighting (rarer items and shorter histories count more).

    Scaling the stored values to mean 1 makes the engine's `alpha` independent of the weights'
    unit (counts, ratings, the shop's kind weights), so one search range fits every data set.
    """
    if scheme not in CONFIDENCE_SCHEMES:
        raise ValueError(f"Unknown confidence scheme {scheme!r}; expected one of {', '.join(CONFIDENCE_SCHEMES)}.")
    result = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    result.eliminate_zeros()
    if result.nnz == 0:
        return result
    if scheme == "log":
        result.data = np.log1p(result.data / result.data.mean())
    elif scheme == "bm25":
        result = sp.csr_matrix(bm25_weight(result, K1=100, B=0.8), dtype=np.float32)
        # BM25's idf is 0 or negative for items nearly every user has, and implicit would read a
        # negative value as a dislike: such interactions get the smallest positive weight instead.
        positive = result.data > 0
        result.data = np.where(positive, result.data, result.data[positive].min() if positive.any() else 1.0)
    result.data /= result.data.mean()
    return result


def interactions_read_csv(path: Path) -> Interactions:
    """Interactions from a CSV file with a header row: user_id, item_id and optionally weight, timestamp.

    Ids are kept as strings. A weight must be a number > 0 (default 1; repeated pairs add up); a
    timestamp is Unix seconds or an ISO 8601 date-time (UTC when it names no zone). Other columns
    are ignored and blank lines skipped. Anything else raises InteractionFileError naming the line.
    """
    try:
        with open(path, "rb") as handle:
            reader = csv.reader(_decoded_lines(path, handle))
            try:
                return _parse(path, reader)
            except csv.Error as exc:
                raise InteractionFileError(f"{path}, line {reader.line_num}: {exc}.") from None
    except OSError as exc:
        raise InteractionFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def _decoded_lines(path: Path, handle) -> Iterator[str]:
    """The file's lines as text, decoded one by one so that a decoding error can name its line."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise InteractionFileError(f"{path}, line {number}: the text is not UTF-8.") from None


def _parse(path: Path, reader) -> Interactions:
    header = next(reader, None)
    if header is None:
        raise InteractionFileError(
            f"{path}: the file is empty; expected a header line such as user_id,item_id,weight,timestamp."
        )
    columns = _columns(path, header)
    width = len(header)
    user_ids: list[str] = []
    item_ids: list[str] = []
    weights: list[float] = []
    times: list[float] = []
    for row in reader:
        if not row:
            continue
        line = reader.line_num
        if len(row) != width:
            raise InteractionFileError(f"{path}, line {line}: expected {width} fields, found {len(row)}.")
        user, item = row[columns["user_id"]].strip(), row[columns["item_id"]].strip()
        if not user or not item:
            raise InteractionFileError(f"{path}, line {line}: user_id and item_id must not be empty.")
        user_ids.append(user)
        item_ids.append(item)
        if "weight" in columns:
            weights.append(_weight(path, line, row[columns["weight"]]))
        if "timestamp" in columns:
            times.append(_timestamp(path, line, row[columns["timestamp"]]))
    if not user_ids:
        raise InteractionFileError(f"{path}: no interactions after the header line.")
    return interactions_build(
        user_ids=np.array(user_ids),
        item_ids=np.array(item_ids),
        weights=weights or None,
        times=times or None,
    )


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    missing = [name for name in FILE_COLUMNS[:2] if name not in names]
    if missing:
        raise InteractionFileError(
            f"{path}, line 1: missing column {' and '.join(missing)}; the header must name user_id and item_id "
            f"(optionally weight and timestamp), found: {','.join(header)}."
        )
    repeated = sorted({name for name in names if name in FILE_COLUMNS and names.count(name) > 1})
    if repeated:
        raise InteractionFileError(f"{path}, line 1: column {', '.join(repeated)} appears more than once.")
    return {name: names.index(name) for name in FILE_COLUMNS if name in names}


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
