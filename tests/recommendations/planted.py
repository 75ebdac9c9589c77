"""Synthetic interactions with planted structure: taste groups that a recommender should discover."""

import numpy as np


def taste_groups(
    *, users: int = 240, items: int = 120, groups: int = 4, per_user: int = 16, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(user codes, item codes) of users who each belong to one of `groups` taste groups.

    Items are split into one block per group. A user picks `per_user` distinct items, 90 % from
    their group's block and 10 % from anywhere, each block's items by a Zipf-like popularity.
    The most popular items overall are the heads of all blocks, so popularity serves every user
    the same mix of tastes, while a model that finds the groups serves each user their own block.
    """
    rng = np.random.default_rng(seed)
    block = items // groups
    appeal = 1.0 / np.arange(1, block + 1)
    user_codes, item_codes = [], []
    for user in range(users):
        group = user % groups
        own = group * block + np.arange(block)
        weights = np.full(items, 0.1 / items)
        weights[own] += 0.9 * appeal / appeal.sum()
        chosen = rng.choice(items, size=per_user, replace=False, p=weights / weights.sum())
        user_codes += [user] * per_user
        item_codes += chosen.tolist()
    return np.array(user_codes, dtype=np.int64), np.array(item_codes, dtype=np.int64)
