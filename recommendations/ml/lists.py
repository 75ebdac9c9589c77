"""The lists that pages show, computed from a fitted ALS model and the event arrays: pure numpy/scipy.

- `user_top_n`: every user's best products with the reason for each: the user's own product that
  contributes most to that product's score. ALS scores item i for user u as y_i . x_u with
  x_u = W_u^-1 Y_u^T c_u and W_u = Y^T Y + reg I + Y_u^T (C_u - I) Y_u (the user's half-step of ALS),
  so the score is a sum over the user's items j of c_uj * y_i^T W_u^-1 y_j: that term is j's
  contribution (what implicit's `explain` computes, here vectorised over a user's whole list).
- `fold_in`: the same half-step for a user with new events, against fixed item factors, so the
  shop can answer with up-to-date recommendations before the next retraining.
- `similar_items`: nearest neighbours by cosine of item factors; items with too few interactions
  for their factors to mean much get catalog neighbours instead (same category, same brand first,
  then the most popular).
- `co_purchases`: for each product, the products most often bought in the same basket.
- `trending`: time-decayed, kind-weighted recent activity, overall and per category.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommendations.ml.als import AlsModel, top_k


@dataclass(frozen=True)
class RankedLists:
    """Per query row: item columns (or ids) best first and, per item, the explaining column (or id); -1 pads."""

    items: np.ndarray
    reasons: np.ndarray


def user_solve(
    item_factors: np.ndarray, gram: np.ndarray, rows: np.ndarray, confidences: np.ndarray, regularization: float
) -> tuple[np.ndarray, np.ndarray]:
    """(x_u, W_u) of a user whose items are the columns `rows` with confidences (alpha already applied)."""
    history = item_factors[rows].astype(np.float64)
    matrix = gram + regularization * np.eye(gram.shape[0]) + history.T @ (history * (confidences - 1.0)[:, None])
    vector = np.linalg.solve(matrix, history.T @ confidences)
    return vector, matrix


def contributions(
    item_factors: np.ndarray, rows: np.ndarray, confidences: np.ndarray, matrix: np.ndarray, candidates: np.ndarray
) -> np.ndarray:
    """len(rows) x len(candidates): how much each of the user's items adds to each candidate's score."""
    solved = np.linalg.solve(matrix, item_factors[candidates].astype(np.float64).T)
    return (item_factors[rows].astype(np.float64) @ solved) * confidences[:, None]


def reasons_for(
    item_factors: np.ndarray, rows: np.ndarray, confidences: np.ndarray, matrix: np.ndarray, candidates: np.ndarray
) -> np.ndarray:
    """Per candidate column (-1 ignored): the user's column contributing most to its score, -1 for padding."""
    valid = candidates >= 0
    result = np.full(len(candidates), -1, dtype=np.int64)
    if valid.any() and len(rows):
        share = contributions(item_factors, rows, confidences, matrix, candidates[valid])
        result[valid] = rows[np.argmax(share, axis=0)]
    return result


def user_top_n(
    model: AlsModel,
    confidences: sp.csr_matrix,
    *,
    k: int,
    users: np.ndarray | None = None,
    exclude: sp.csr_matrix | None = None,
    skip_items: np.ndarray | None = None,
) -> RankedLists:
    """Top-k columns and their reasons for the given user rows (default: all) of `confidences`.

    `confidences` is users x items with alpha applied, rows aligned with the model's users;
    `exclude` (default: the user's own items) are never recommended, nor are the columns
    `skip_items`. Results are per given row.
    """
    users = np.arange(confidences.shape[0]) if users is None else np.asarray(users, dtype=np.int64)
    exclude = confidences if exclude is None else exclude
    items = model.recommend(users, exclude=exclude[users], k=k, skip_items=skip_items)
    reasons = reasons_batched(
        model.item_factors, confidences, users=users, candidates=items, regularization=model.params.regularization
    )
    return RankedLists(items=items, reasons=reasons)


def reasons_batched(
    item_factors: np.ndarray,
    confidences: sp.csr_matrix,
    *,
    users: np.ndarray,
    candidates: np.ndarray,
    regularization: float,
    cells: int = 1 << 16,
) -> np.ndarray:
    """`reasons_for` of many users at once: per row of `candidates` (for the rows `users` of
    `confidences`, alpha applied), the user's column contributing most to each candidate (-1: none).

    Users are grouped by history length (lengths within a factor of 2), so that padding every
    history of a batch to its longest costs little: W_u, the solves and the contributions are then
    stacked array operations over batches of at most about `cells` (user, history item) pairs,
    instead of a Python loop per user.
    """
    result = np.full(candidates.shape, -1, dtype=np.int64)
    lengths = np.diff(confidences.indptr)[users]
    factors = np.ascontiguousarray(item_factors, dtype=np.float32)
    base = factors.T.astype(np.float64) @ factors.astype(np.float64) + regularization * np.eye(factors.shape[1])
    groups = np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64)
    for group in np.unique(groups[lengths > 0]):
        members = np.flatnonzero((groups == group) & (lengths > 0))
        width = int(lengths[members].max())
        step = max(cells // width, 1)
        for start in range(0, len(members), step):
            positions = members[start : start + step]
            result[positions] = _batch_reasons(
                factors, base, confidences, users[positions], candidates[positions], width=width
            )
    return result


def _batch_reasons(
    factors: np.ndarray,
    base: np.ndarray,
    confidences: sp.csr_matrix,
    users: np.ndarray,
    candidates: np.ndarray,
    *,
    width: int,
) -> np.ndarray:
    """reasons_batched for one batch whose histories are at most `width` long."""
    starts, stops = confidences.indptr[users], confidences.indptr[users + 1]
    offsets = np.arange(width)
    valid = offsets[None, :] < (stops - starts)[:, None]  # users x width: a real history entry
    at = np.where(valid, starts[:, None] + offsets[None, :], 0)
    columns = np.where(valid, confidences.indices[at], -1)
    weights = np.where(valid, confidences.data[at], 0.0).astype(np.float32)
    # Gathers and stacked products in float32 (numpy's batched float32 matmul is several times
    # faster here), the solves in float64.
    history = np.where(valid[:, :, None], factors[np.maximum(columns, 0)], np.float32(0))  # users x width x f
    scaled = np.ascontiguousarray((history * (weights - 1)[:, :, None]).transpose(0, 2, 1))
    matrices = base + np.matmul(scaled, history)
    wanted = np.where((candidates >= 0)[:, :, None], factors[np.maximum(candidates, 0)], np.float32(0))
    solved = np.linalg.solve(matrices, wanted.transpose(0, 2, 1).astype(np.float64))  # users x f x k
    share = np.matmul(history, solved.astype(np.float32)) * weights[:, :, None]  # users x width x k
    share = np.where(valid[:, :, None], share, -np.inf)
    best = np.take_along_axis(columns, np.argmax(share, axis=1), axis=1)
    return np.where(candidates >= 0, best, -1)


def fold_in(model: AlsModel, rows: np.ndarray, confidences: np.ndarray, *, k: int, exclude: np.ndarray) -> RankedLists:
    """Top-k columns and reasons for one user known only by `rows` and their confidences (alpha applied)."""
    factors = model.item_factors
    if len(rows) == 0 or len(factors) == 0:
        return RankedLists(items=np.full(k, -1, dtype=np.int64), reasons=np.full(k, -1, dtype=np.int64))
    gram = factors.T.astype(np.float64) @ factors.astype(np.float64)
    vector, matrix = user_solve(factors, gram, rows, confidences, model.params.regularization)
    mask = sp.csr_matrix(
        (np.ones(len(exclude), dtype=np.float32), (np.zeros(len(exclude)), exclude)), shape=(1, len(factors))
    )
    chosen = top_k(vector[None, :].astype(np.float32), factors, exclude=mask, k=k)[0]
    return RankedLists(items=chosen, reasons=reasons_for(factors, rows, confidences, matrix, chosen))


def similar_items(
    item_factors: np.ndarray,
    *,
    k: int,
    warm: np.ndarray,
    categories: np.ndarray,
    brands: np.ndarray,
    popularity: np.ndarray,
    departments: np.ndarray | None = None,
) -> np.ndarray:
    """Per item row: k neighbour rows best first (-1 pads).

    Warm items (`warm` True) get the warm items nearest by cosine of their factors, from the same
    department (`departments` codes, e.g. the top-level category; default: all one): that keeps
    neighbours relevant and makes the all-pairs search cost the sum of the squared department
    sizes instead of the square of the catalog. Cold items get catalog neighbours: same category
    (`categories` codes), same brand first, then by `popularity`.
    """
    count = len(item_factors)
    result = np.full((count, k), -1, dtype=np.int64)
    departments = np.zeros(count, dtype=np.int64) if departments is None else departments
    norms = np.linalg.norm(item_factors, axis=1, keepdims=True)
    vectors = (item_factors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    for department in np.unique(departments[warm]):
        rows = np.flatnonzero(warm & (departments == department))
        if len(rows) < 2:
            continue
        itself = sp.identity(len(rows), dtype=np.float32, format="csr")
        neighbours = top_k(vectors[rows], vectors[rows], exclude=itself, k=k)
        result[rows] = np.where(neighbours >= 0, rows[np.maximum(neighbours, 0)], -1)
    cold_rows = np.flatnonzero(~warm)
    if len(cold_rows):
        result[cold_rows] = catalog_neighbours(categories, brands, popularity, cold_rows, k=k)
    return result


def catalog_neighbours(
    categories: np.ndarray, brands: np.ndarray, popularity: np.ndarray, rows: np.ndarray, *, k: int
) -> np.ndarray:
    """For each of `rows`: k other rows of its category, same brand first, then by popularity (-1 pads).

    Rows of one category and brand share their candidates (the k + 1 most popular of the same
    brand, then the k most popular others), so each (category, brand) pair is ranked once and its
    rows only drop themselves from that list.
    """
    result = np.full((len(rows), k), -1, dtype=np.int64)
    order = np.lexsort((-popularity, categories))  # by category, most popular first within it
    sorted_categories = categories[order]
    pairs, group_of = np.unique(np.stack([categories[rows], brands[rows]]), axis=1, return_inverse=True)
    by_group = np.argsort(group_of.reshape(-1), kind="stable")
    bounds = np.searchsorted(group_of.reshape(-1)[by_group], np.arange(pairs.shape[1] + 1))
    for group, (category, brand) in enumerate(pairs.T.tolist()):
        low = np.searchsorted(sorted_categories, category, side="left")
        high = np.searchsorted(sorted_categories, category, side="right")
        members = order[low:high]
        same_brand = brands[members] == brand
        candidates = np.concatenate([members[same_brand][: k + 1], members[~same_brand][:k]])
        positions = by_group[bounds[group] : bounds[group + 1]]
        grid = np.broadcast_to(candidates, (len(positions), len(candidates)))
        itself = grid == rows[positions][:, None]
        ranked = np.take_along_axis(grid, np.argsort(itself, axis=1, kind="stable"), axis=1)[:, :k]
        width = ranked.shape[1]
        result[positions, :width] = np.where(ranked == rows[positions][:, None], -1, ranked)
    return result


def co_purchases(baskets: np.ndarray, items: np.ndarray, *, item_count: int, k: int, min_count: int = 1) -> RankedLists:
    """Per item column: the k columns most often in the same basket (at least `min_count` times), with counts.

    `baskets` and `items` are one entry per purchased line (basket codes, item columns). `reasons`
    holds the co-purchase counts here.
    """
    result = RankedLists(
        items=np.full((item_count, k), -1, dtype=np.int64), reasons=np.zeros((item_count, k), dtype=np.int64)
    )
    if len(items) == 0:
        return result
    _codes, basket_rows = np.unique(baskets, return_inverse=True)
    incidence = sp.csr_matrix(
        (np.ones(len(items), dtype=np.float32), (basket_rows, items)), shape=(basket_rows.max() + 1, item_count)
    )
    incidence.data[:] = 1.0  # a product twice in one basket counts once
    counts = (incidence.T @ incidence).tocsr()
    counts.setdiag(0)
    counts.eliminate_zeros()
    for item in np.flatnonzero(np.diff(counts.indptr)):
        low, high = counts.indptr[item], counts.indptr[item + 1]
        values, columns = counts.data[low:high], counts.indices[low:high]
        keep = values >= min_count
        values, columns = values[keep], columns[keep]
        best = np.lexsort((columns, -values))[:k]
        result.items[item, : len(best)] = columns[best]
        result.reasons[item, : len(best)] = values[best].astype(np.int64)
    return result


def trending(scores: np.ndarray, groups: list[np.ndarray], *, k: int) -> list[np.ndarray]:
    """For each group of item rows: its k rows with the highest positive `scores`, best first."""
    result = []
    for rows in groups:
        rows = rows[scores[rows] > 0]
        best = rows[np.lexsort((rows, -scores[rows]))[:k]]
        result.append(best)
    return result
