"""The wider simulator (pricing.ml.markets): its demand families, the oracle, and a small scored run."""

import numpy as np

from pricing.ml import markets


def _first(market, family):
    return int(np.flatnonzero(market.family == family)[0])


def test_every_family_and_noise_level_is_in_every_market():
    market = markets.market_build(skus=15, days=20, seed=0)

    assert set(market.family) == set(markets.FAMILIES)
    assert set(market.noise) == set(markets.NOISE_CV)
    assert np.all(market.floor < market.ceiling)


def test_demand_falls_with_the_price_in_every_family():
    market = markets.market_build(skus=15, days=20, seed=1)
    grid = market.list_price[:, None] * np.linspace(0.6, 1.8, 25)[None, :]

    units = market.units(grid, 30, market.list_price)

    assert np.all(np.diff(units, axis=1) <= 1e-9)


def test_kinked_demand_falls_far_faster_above_the_kink():
    market = markets.market_build(skus=15, days=20, seed=2)
    i = _first(market, "kinked")
    e1, e2, kink = market.shape[i]
    below, above = (
        np.array([0.95, 1.0]) * kink * market.list_price[i],
        np.array([1.0, 1.05]) * kink * market.list_price[i],
    )

    def slope(prices):
        units = [market.units(np.full(15, p), 30, market.list_price)[i] for p in prices]
        return np.log(units[1] / units[0]) / np.log(prices[1] / prices[0])

    assert abs(slope(below) - e1) < 1e-6
    assert abs(slope(above) - e2) < 1e-6


def test_a_price_cut_sells_more_only_while_shoppers_remember_the_old_price():
    market = markets.market_build(skus=15, days=20, seed=3)
    i = _first(market, "reference")
    cut = np.full(15, 0.9) * market.list_price

    fresh = market.units(cut, 30, market.list_price)[i]  # reference still the list price
    settled = market.units(cut, 30, cut)[i]  # the cut price has become the reference

    assert fresh > settled


def test_the_oracle_earns_at_least_as_much_as_the_list_price_on_expected_demand():
    market = markets.market_build(skus=15, days=20, seed=4)
    scored = range(38, 48)

    oracle = markets.oracle_prices(market, scored=scored)

    def profit(price):
        return sum((price - market.cost) * market.units(price, t, price) for t in scored)

    assert np.all(profit(oracle) >= profit(market.list_price) - 1e-9)
    assert np.all((oracle >= market.floor) & (oracle <= market.ceiling))


def test_a_small_run_scores_every_family_without_guardrail_violations():
    result = markets.evaluate(skus=10, days=18, seed=5, reprice=markets.engine_reprice)

    assert set(result["profit_share"]) >= {"all", *markets.FAMILIES}
    assert result["violations"] == {"engine": 0, "list": 0, "rule": 0, "oracle": 0}
    assert all(share["oracle"] == 1.0 for share in result["profit_share"].values())
