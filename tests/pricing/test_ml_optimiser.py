"""The optimiser's objectives and inventory rules, on hand-made demand curves."""

import numpy as np

from pricing.ml import optimiser

PRICES = np.array([[8.0, 10.0, 12.0]])
UNITS = np.array([[12.0, 10.0, 8.0]])  # units per day at each price
COST = np.array([5.0])


def _values(stock: float, objective: str = "profit", **settings):
    values, sales, state = optimiser.objective_values(
        prices=PRICES,
        units=UNITS,
        cost=COST,
        stock=np.array([stock]),
        current=np.array([10.0]),
        units_now=np.array([10.0]),
        settings=optimiser.Settings(objective=objective, **settings),
    )
    return values[0].tolist(), sales[0].tolist(), int(state[0])


def test_profit_and_revenue_per_day():
    assert _values(np.nan) == ([36.0, 50.0, 56.0], [12.0, 10.0, 8.0], 0)
    assert _values(np.nan, "revenue")[0] == [96.0, 100.0, 96.0]


def test_short_stock_caps_sales_and_forbids_lowering_the_price():
    # 35 units cover 3.5 days at the current price, short of the 7-day horizon.
    values, sales, state = _values(35.0)

    assert state == -1
    assert sales == [5.0, 5.0, 5.0]
    assert values == [-np.inf, 25.0, 35.0]


def test_overstock_costs_units_lower_which_favours_clearing():
    # 1,000 units cover 100 days at the current price (> 90): units costed at 80% of cost (4.00).
    values, _, state = _values(1000.0)

    assert state == 1
    assert values == [48.0, 60.0, 64.0]


def test_sell_through_picks_the_highest_price_that_clears_the_stock():
    # 300 units in 30 days need 10 a day: 8.00 and 10.00 clear it, 12.00 does not.
    values, _, _ = _values(300.0, "sell_through", overstock_days=1000)

    assert values == [96.0, 100.0, -np.inf]


def test_exploration_shrinks_with_the_elasticity_error_and_alternates_by_day():
    settings = optimiser.Settings()
    skus = np.array(["A", "B"], dtype=object)

    today = optimiser.explore_deltas(skus=skus, stderr=np.array([1.0, 0.1]), today=100, settings=settings)
    tomorrow = optimiser.explore_deltas(skus=skus, stderr=np.array([1.0, 0.1]), today=101, settings=settings)

    assert abs(today[0]) == settings.explore_max
    assert today[1] == 0.0
    assert tomorrow[0] == -today[0]
