"""Top-k ranking metrics, vectorised over users: precision, recall, NDCG, MAP, hit rate, coverage.

Input: `top`, the recommended item codes of each evaluated user, best first (-1 where a list is
shorter than k), and `relevant`, a users x items sparse matrix whose nonzero entries are the
items each user really interacted with in the held-out data. Every user counts equally.

Definitions (binary relevance, `hits` = relevant items among the user's top k, `n` = the user's
relevant items):
- precision@k = hits / k;  recall@k = hits / n;  hit rate@k = 1 if hits > 0 else 0;
- NDCG@k = sum over hit ranks r of 1/log2(r + 1), divided by the same sum for min(n, k) hits at
  the top ranks;
- MAP@k = sum over hit ranks r of (hits up to r) / r, divided by min(n, k). (The Microsoft
  Recommenders table divides by n instead, so its MAP column is smaller for users with n > k.)
- coverage = share of the catalog's items that appear in at least one user's top k.

Hand-written rather than taken from a library: the candidates (scikit-learn's ndcg_score,
recommenders' python_evaluation) need dense score matrices or pandas frames per user, which would
not fit the shop's 50,000 users x 100,000 products; here everything is one pass over k columns.
"""

import numpy as np
import scipy.sparse as sp


def ranking_metrics(top: np.ndarray, relevant: sp.csr_matrix, *, k: int, n_items: int) -> dict[str, float]:
    """The metrics above, named with k (e.g. `ndcg_at_10`), averaged over the rows of `top`.

    Every row of `relevant` must have at least one relevant item (callers skip users without).
    """
    per_user = per_user_metrics(top, relevant, k=k)
    recommended = np.unique(np.asarray(top)[np.asarray(top) >= 0])
    return {
        **{f"{name}_at_{k}": float(values.mean()) for name, values in per_user.items()},
        "coverage": float(len(recommended) / n_items) if n_items else 0.0,
    }


def per_user_metrics(top: np.ndarray, relevant: sp.csr_matrix, *, k: int) -> dict[str, np.ndarray]:
    """precision, recall, ndcg, map and hit_rate at k of each row of `top` (see the module docstring)."""
    top = np.asarray(top)
    if top.ndim != 2 or top.shape[1] != k or top.shape[0] != relevant.shape[0]:
        raise ValueError(f"top must have one row per user of `relevant` and k={k} columns, not {top.shape}.")
    relevant = sp.csr_matrix(relevant)
    relevant.eliminate_zeros()
    counts = np.diff(relevant.indptr)
    if top.shape[0] == 0 or counts.min() == 0:
        raise ValueError("Every evaluated user needs at least one relevant item, and there must be a user.")
    hits = _hits(top, relevant)
    ranks = np.arange(1, k + 1)
    discounts = 1.0 / np.log2(ranks + 1)
    ideal = np.cumsum(discounts)[np.minimum(counts, k) - 1]
    hit_counts = hits.sum(axis=1)
    precision_at_hits = np.cumsum(hits, axis=1) / ranks
    return {
        "precision": hit_counts / k,
        "recall": hit_counts / counts,
        "ndcg": (hits * discounts).sum(axis=1) / ideal,
        "map": (precision_at_hits * hits).sum(axis=1) / np.minimum(counts, k),
        "hit_rate": (hit_counts > 0).astype(np.float64),
    }


def _hits(top: np.ndarray, relevant: sp.csr_matrix) -> np.ndarray:
    """Boolean users x k: is the item at each rank relevant to its user? (sorted-key lookup, no loops)."""
    n_items = relevant.shape[1]
    rows = np.repeat(np.arange(relevant.shape[0], dtype=np.int64), np.diff(relevant.indptr))
    relevant_keys = rows * n_items + relevant.indices
    top_keys = np.arange(top.shape[0], dtype=np.int64)[:, None] * n_items + top
    return np.isin(top_keys, relevant_keys) & (top >= 0)


def heldout_users(train: sp.csr_matrix, heldout: sp.csr_matrix) -> tuple[np.ndarray, sp.csr_matrix]:
    """(rows to evaluate, their relevant items): held-out items a user did not have in training.

    Rankings skip each user's training items, so held-out repeats of them could never be hit; users
    left with no relevant item are not evaluated.
    """
    fresh = sp.csr_matrix(heldout, dtype=np.float32, copy=True)
    fresh.data[:] = 1.0
    seen = sp.csr_matrix(train, dtype=np.float32, copy=True)
    seen.data[:] = 1.0
    fresh = fresh - fresh.multiply(seen)
    fresh.eliminate_zeros()
    rows = np.flatnonzero(np.diff(fresh.indptr))
    return rows, fresh[rows]
