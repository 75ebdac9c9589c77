"""The per-SKU elasticity fit: its standard error widens with demand noise beyond Poisson."""

import numpy as np

from pricing.ml import elasticity


def test_noisier_skus_get_wider_intervals_for_the_same_prices_and_volume():
    # given: 20 SKUs selling 30 a day at elasticity -2 with Poisson noise, and 20 alike whose daily
    # demand also swings by +-70% (weather, a competitor), in one category, prices moving +-8%
    rng = np.random.default_rng(0)
    skus, days = 40, 120
    x = rng.normal(0, 0.08, (skus, days))  # log(price / usual price)
    cv = np.where(np.arange(skus) < 20, 0.0, 0.7)[:, None]
    shocks = np.where(cv > 0, rng.gamma(1 / np.maximum(cv, 0.1) ** 2, np.maximum(cv, 0.1) ** 2, (skus, days)), 1)
    units = rng.poisson(30 * np.exp(-2 * x) * shocks).astype(float)

    fit = elasticity.fit(
        units=units, x=x, weight=np.ones_like(x), group=np.zeros(skus, dtype=int), prior=np.full(skus, -1.5)
    )

    calm, noisy = fit.stderr[:20], fit.stderr[20:]
    assert noisy.min() > 1.5 * calm.max()
    assert np.all(np.abs(fit.elasticity[:20] + 2) < 3 * calm)  # the calm ones are still found
