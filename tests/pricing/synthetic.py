"""Tiny synthetic sales histories with planted elasticities, for the pure engine tests."""

import numpy as np

from pricing.ml.data import Catalog, History

FIRST_DAY = 739000


def planted(*, skus: int = 12, days: int = 84, seed: int = 0, elasticity: float = -2.0):
    """Prices that move randomly around a list price; Poisson units = base x season x (p/L)^e.

    Returns (history, catalog, true elasticities)."""
    rng = np.random.default_rng(seed)
    list_price = np.round(rng.uniform(10, 60, skus), 2)
    base = rng.uniform(4, 12, skus)
    e = np.full(skus, elasticity) + rng.uniform(-0.3, 0.3, skus)
    day = FIRST_DAY + np.arange(days)
    weekday = np.where(day % 7 == 6, 1.4, 1.0)  # ordinal % 7 == 6: Saturday
    rel = np.exp(rng.normal(0, 0.12, (skus, days)))
    price = np.round(list_price[:, None] * rel, 2)
    mean = base[:, None] * weekday[None, :] * (price / list_price[:, None]) ** e[:, None]
    units = rng.poisson(mean).astype(float)
    history = History.build(
        sku=np.repeat([f"S{i:03d}" for i in range(skus)], days),
        day=np.tile(day, skus),
        price=price.ravel(),
        units=units.ravel(),
        views=(units * 10 + 5).ravel(),
    )
    catalog = Catalog.build(
        sku=[f"S{i:03d}" for i in range(skus)],
        cost=np.round(list_price * 0.5, 2),
        min_price=np.round(list_price * 0.6, 2),
        max_price=np.round(list_price * 1.6, 2),
        current_price=price[:, -1],
        stock=np.full(skus, 500.0),
        category=["a" if i % 2 else "b" for i in range(skus)],
        max_change_pct=np.full(skus, 10.0),
    )
    return history, catalog, e
