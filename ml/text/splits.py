"""Stratified splits of labelled rows (label indices in, sorted row indices out), reproducible by seed.

    fit, held = stratified_holdout(labels, share=0.1, seed=0)              # one held-out share per class
    sets = stratified_holdouts(labels, share=0.1, count=5, seed=0)         # disjoint held-out shares
    pairs = stratified_kfold(labels, folds=5, seed=0)                      # every row held out once

Each class's rows are shuffled by one generator (`numpy.random.default_rng(seed)`), classes in
ascending order, so a split depends only on the labels, the share and the seed. A held-out set takes
round(share * rows) of a class, at least one from a class of 2 or more rows; classes of fewer than
`min_class_rows` rows are never held out (the support bot keeps intents of 1-2 examples whole).
"""

import numpy as np


def _held_per_class(rows: int, share: float, min_class_rows: int) -> int:
    if share <= 0 or rows < min_class_rows:
        return 0
    count = round(rows * share)
    return max(count, 1) if rows >= 2 else count


def stratified_holdouts(
    labels: np.ndarray, *, share: float, count: int, seed: int, min_class_rows: int = 1
) -> list[np.ndarray]:
    """`count` disjoint sets of held-out rows (sorted), each `share` of every class while the class has rows
    left (later sets of a small class can be short or empty); a class never has all its rows in one set."""
    rng = np.random.default_rng(seed)
    held: list[list[int]] = [[] for _ in range(count)]
    for label in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == label))
        per_set = _held_per_class(len(rows), share, min_class_rows)
        for index in range(count):
            held[index].extend(rows[index * per_set : (index + 1) * per_set])
    return [np.sort(np.array(rows, dtype=np.int64)) for rows in held]


def stratified_holdout(
    labels: np.ndarray, *, share: float, seed: int, min_class_rows: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """(fit rows, held-out rows): `share` of each class held out (the first of `stratified_holdouts`)."""
    held = stratified_holdouts(labels, share=share, count=1, seed=seed, min_class_rows=min_class_rows)[0]
    return np.setdiff1d(np.arange(len(labels)), held), held


def stratified_kfold(labels: np.ndarray, *, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """`folds` (fit rows, held-out rows) pairs; each class's rows dealt round the folds from a random start,
    so every row is held out once. Classes with fewer than `folds` rows are always fit rows (they cannot be
    held out everywhere); folds left empty are dropped."""
    generator = np.random.default_rng(seed)
    fold_of = np.full(len(labels), -1)
    for label in np.unique(labels):
        rows = generator.permutation(np.flatnonzero(labels == label))
        if len(rows) >= folds:
            fold_of[rows] = (np.arange(len(rows)) + generator.integers(folds)) % folds
    everything = np.arange(len(labels))
    return [(everything[fold_of != k], everything[fold_of == k]) for k in range(folds) if (fold_of == k).any()]
