"""Per-SKU price elasticity: a Poisson log-linear fit with a prior, local to the current price.

    units_it ~ Poisson(exp(a_i + b_i x_it + g_ct)),   x_it = log(price_it / usual_i)

`b_i` is the SKU's elasticity, `a_i` its demand level at the usual price and `g_ct` a day effect
per category (season, weekday, promotions of the whole store), which keeps calendar swings out of
the price slope. Days that sold out are censored and left out. Rows are weighted by recency
(half-life) and by closeness to the current price (a Gaussian kernel in log price), so for curves
that are not constant-elasticity (linear, logit) `b_i` is the LOCAL elasticity where the SKU is
priced now; moving the price to where the local optimality condition holds converges to the optimum.

The prior on `b_i` is N(b0_i, prior_sd^2) with b0_i the elasticity at which the usual price would be
the profit optimum: -usual / (usual - cost), clipped (a retailer's list price is a sensible first
guess); with no data the prior alone decides, with more data the SKU's own evidence takes over.
Estimation: a few rounds of per-SKU Newton steps (2x2, vectorised over SKUs) and day-effect updates.
"""

from dataclasses import dataclass

import numpy as np

ELASTICITY_MIN, ELASTICITY_MAX = -8.0, -0.3


@dataclass(frozen=True)
class Elasticities:
    level: np.ndarray  # a_i: log units per day at the usual price (day effect 0)
    elasticity: np.ndarray  # b_i, in [ELASTICITY_MIN, ELASTICITY_MAX]
    stderr: np.ndarray  # posterior standard deviation of b_i
    prior: np.ndarray  # b0_i
    information: np.ndarray  # sum of weight x mu x (x - mean x)^2: how much the price moved, in data


def prior_elasticity(*, usual_price: np.ndarray, cost: np.ndarray) -> np.ndarray:
    margin = np.maximum(usual_price - cost, 0.05 * usual_price)
    return np.clip(-usual_price / margin, -5.0, -1.2)


def fit(
    *,
    units: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    group: np.ndarray,
    prior: np.ndarray,
    prior_sd: float = 1.0,
    rounds: int = 4,
) -> Elasticities:
    """`units`, `x`, `weight`: (n, T) with weight 0 where a cell must be ignored; `group` (n,) codes."""
    w = np.where(np.isfinite(units) & np.isfinite(x), weight, 0.0)
    y = np.where(w > 0, units, 0.0)
    x = np.where(w > 0, x, 0.0)
    g = np.zeros_like(y)
    a = np.log((w * y).sum(axis=1) + 0.1) - np.log(w.sum(axis=1) + 0.1)
    b = prior.astype(np.float64).copy()
    tau2 = prior_sd**2
    a_prior_var = 25.0
    a0 = a.copy()
    w_data = w
    for round_ in range(rounds):
        if round_ == 1:  # from the second round on, the data weigh as much as their overdispersion allows
            w = w_data / _dispersion(y, np.exp(np.clip(a[:, None] + b[:, None] * x + g, -30, 30)), w_data)[:, None]
        for _ in range(3):
            mu = np.exp(np.clip(a[:, None] + b[:, None] * x + g, -30, 30))
            r = w * (y - mu)
            grad_a = r.sum(axis=1) - (a - a0) / a_prior_var
            grad_b = (r * x).sum(axis=1) - (b - prior) / tau2
            wm = w * mu
            h_aa = wm.sum(axis=1) + 1 / a_prior_var
            h_ab = (wm * x).sum(axis=1)
            h_bb = (wm * x * x).sum(axis=1) + 1 / tau2
            det = h_aa * h_bb - h_ab**2
            a = a + (h_bb * grad_a - h_ab * grad_b) / det
            b = b + (h_aa * grad_b - h_ab * grad_a) / det
            b = np.clip(b, ELASTICITY_MIN, ELASTICITY_MAX)
        base = np.exp(np.clip(a[:, None] + b[:, None] * x, -30, 30))
        present = (w > 0).astype(np.float64)
        for code in np.unique(group):
            members = group == code
            sold = (y[members] * present[members]).sum(axis=0)
            expected = (base[members] * present[members]).sum(axis=0)
            g[members] = np.log((sold + 1.0) / (expected + 1.0))[None, :]
    mu = np.exp(np.clip(a[:, None] + b[:, None] * x + g, -30, 30))
    wm = w * mu
    h_aa = wm.sum(axis=1) + 1 / a_prior_var
    h_ab = (wm * x).sum(axis=1)
    h_bb = (wm * x * x).sum(axis=1) + 1 / tau2
    stderr = np.sqrt(h_aa / (h_aa * h_bb - h_ab**2))
    information = h_bb - 1 / tau2 - h_ab**2 / h_aa
    # Express the level without the day effects' average, so a_i + b_i x is "a typical day".
    mean_g = np.where(w > 0, g, 0.0).sum(axis=1) / np.maximum((w > 0).sum(axis=1), 1)
    return Elasticities(level=a + mean_g, elasticity=b, stderr=stderr, prior=prior, information=information)


def _dispersion(y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per SKU, the weighted Pearson dispersion (variance / mean of the units; 1 for Poisson), at least 1.

    Demand shocks (weather, a competitor, a viral post) make daily units far noisier than Poisson for
    busy SKUs; without this the standard error shrinks with volume alone and the engine trusts price
    slopes that are noise. Quasi-likelihood: the data's weight is divided by the dispersion."""
    pearson = (w * (y - mu) ** 2 / np.maximum(mu, 1e-6)).sum(axis=1)
    return np.clip(pearson / np.maximum(w.sum(axis=1), 1e-9), 1.0, 100.0)
