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
    batch: int = 4096,
) -> RankedLists:
    """Top-k columns and their reasons for the given user rows (default: all) of `confidences`.

    `confidences` is users x items with alpha applied, rows aligned with the model's users;
    `exclude` (default: the user's own items) are never recommended. Results are per given row.
    """
    users = np.arange(confidences.shape[0]) if users is None else np.asarray(users, dtype=np.int64)
    exclude = confidences if exclude is None else exclude
    items = np.full((len(users), k), -1, dtype=np.int64)
    reasons = np.full((len(users), k), -1, dtype=np.int64)
    factors = model.item_factors
    gram = factors.T.astype(np.float64) @ factors.astype(np.float64)
    regularization = model.params.regularization
    # Batches of users with similar history lengths: top_k asks each batch for k plus its longest history.
    by_length = np.argsort(np.diff(exclude.indptr)[users], kind="stable")
    for start in range(0, len(users), batch):
        positions = by_length[start : start + batch]
        items[positions] = model.recommend(users[positions], exclude=exclude[users[positions]], k=k)
    for position, user in enumerate(users.tolist()):
        low, high = confidences.indptr[user], confidences.indptr[user + 1]
        if high == low:
            continue
        rows = confidences.indices[low:high]
        weights = confidences.data[low:high].astype(np.float64)
        _vector, matrix = user_solve(factors, gram, rows, weights, regularization)
        reasons[position] = reasons_for(factors, rows, weights, matrix, items[position])
    return RankedLists(items=items, reasons=reasons)


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
    """For each of `rows`: k other rows of its category, same brand first, then by popularity (-1 pads)."""
    result = np.full((len(rows), k), -1, dtype=np.int64)
    order = np.lexsort((-popularity, categories))  # by category, most popular first within it
    sorted_categories = categories[order]
    for position, row in enumerate(rows):
        low, high = (
            np.searchsorted(sorted_categories, categories[row], side="left"),
            np.searchsorted(sorted_categories, categories[row], side="right"),
        )
        members = order[low:high]
        members = members[members != row]
        same_brand = brands[members] == brands[row]
        ranked = np.concatenate([members[same_brand], members[~same_brand]])[:k]
        result[position, : len(ranked)] = ranked
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
