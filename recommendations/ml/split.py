"""Train/test splits of interaction rows, as boolean masks (True: the row is held out).

- `random_per_user`: each user's rows are shuffled and a share held out (the protocol of the
  Microsoft Recommenders benchmark table: 75/25 per user);
- `latest_per_user`: each user's most recent share is held out (what the user does next);
- `by_time`: everything from a moment on is held out (the shop's last N days).

Every user keeps at least one training row, so each held-out user can be scored.
"""

import numpy as np


def random_per_user(user_codes: np.ndarray, *, test_fraction: float, seed: int) -> np.ndarray:
    """Hold out `round(n * test_fraction)` random rows of each user with n rows (at most n - 1)."""
    order = np.random.default_rng(seed).permutation(len(user_codes))
    return _held_out_by_rank(user_codes, order, test_fraction)


def latest_per_user(user_codes: np.ndarray, times: np.ndarray, *, test_fraction: float) -> np.ndarray:
    """Hold out the latest `round(n * test_fraction)` rows of each user (at most n - 1); ties by row order."""
    order = np.argsort(times, kind="stable")
    return _held_out_by_rank(user_codes, order, test_fraction)


def by_time(times: np.ndarray, *, cut: float) -> np.ndarray:
    """Hold out the rows at or after `cut`."""
    return times >= cut


def _held_out_by_rank(user_codes: np.ndarray, order: np.ndarray, test_fraction: float) -> np.ndarray:
    """Rank each user's rows in `order`; the last share of every user's ranks is held out."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, not {test_fraction}.")
    users = np.asarray(user_codes)[order]
    by_user = np.argsort(users, kind="stable")  # rows grouped by user, in `order` within each user
    grouped = users[by_user]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    counts = np.diff(np.r_[starts, len(grouped)])
    rank = np.arange(len(grouped)) - np.repeat(starts, counts)
    held = np.minimum(np.round(counts * test_fraction).astype(np.int64), counts - 1)
    mask = np.zeros(len(users), dtype=bool)
    mask[order[by_user]] = rank >= np.repeat(counts - held, counts)
    return mask
