"""Guardrails: whatever the history, the model or the exploration propose, no price breaks a rule."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.ml import engine, guardrails
from pricing.ml.data import Catalog, History

TODAY = 739100


@st.composite
def catalogs(draw, size: int):
    rows = []
    for _ in range(size):
        cost = draw(st.floats(0.5, 200))
        floor = draw(st.floats(0.01, 300))
        ceiling = floor * draw(st.floats(1.0, 3.0))
        rows.append(
            {
                "cost": cost,
                "min_price": floor,
                "max_price": ceiling,
                "current_price": round(draw(st.floats(0.05, 600)), 2),
                "min_margin_pct": draw(st.sampled_from([0.0, 10.0, 35.0])),
                "max_change_pct": draw(st.sampled_from([np.nan, 1.0, 5.0, 10.0, 50.0])),
                "max_weekly_change_pct": draw(st.sampled_from([np.nan, 3.0, 20.0])),
                "min_days_between_changes": draw(st.sampled_from([0.0, 1.0, 7.0])),
                "last_change_day": draw(st.sampled_from([np.nan, TODAY - 1, TODAY - 3, TODAY - 30])),
                "price_week_ago": round(draw(st.floats(0.05, 600)), 2),
                "frozen": draw(st.booleans()),
                "stock": draw(st.sampled_from([np.nan, 0.0, 3.0, 1000.0])),
            }
        )
    columns = {key: np.array([r[key] for r in rows]) for key in rows[0]}
    # Margin floor above the ceiling is refused by the catalog reader; keep such rows consistent here too.
    margin_floor = columns["cost"] * (1 + columns["min_margin_pct"] / 100)
    columns["max_price"] = np.maximum(columns["max_price"], margin_floor * 1.01)
    return Catalog(
        sku=np.array([f"P{i}" for i in range(size)], dtype=object),
        category=np.array(["c"] * size, dtype=object),
        **columns,
    )


@st.composite
def histories(draw, catalog: Catalog):
    days = draw(st.integers(0, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    n = len(catalog)
    if days == 0:
        return History.build(sku=[], day=[], price=[], units=[])
    price = catalog.current_price[:, None] * np.exp(rng.normal(0, draw(st.floats(0, 0.5)), (n, days)))
    units = rng.poisson(draw(st.floats(0, 20)), (n, days))
    return History.build(
        sku=np.repeat(catalog.sku, days),
        day=np.tile(TODAY - days + np.arange(days), n),
        price=np.maximum(np.round(price, 2), 0.01).ravel(),
        units=units.ravel(),
    )


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_engine_suggestions_never_break_a_guardrail(data):
    catalog = data.draw(catalogs(size=data.draw(st.integers(1, 6))))
    history = data.draw(histories(catalog))
    objective = data.draw(st.sampled_from(["profit", "revenue", "sell_through"]))

    result = engine.suggest(history=history, catalog=catalog, objective=objective, today=TODAY)

    assert guardrails.violations(result.suggested_price, catalog, today=TODAY).sum() == 0
    held = result.suggested_price == catalog.current_price
    assert np.all(held[catalog.frozen])


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_clamp_puts_any_proposal_inside_the_bounds(data):
    catalog = data.draw(catalogs(size=data.draw(st.integers(1, 8))))
    proposal = np.array(
        data.draw(
            st.lists(
                st.one_of(st.floats(-1e9, 1e9), st.sampled_from([np.nan, np.inf, -np.inf])),
                min_size=len(catalog),
                max_size=len(catalog),
            )
        )
    )
    limits = guardrails.bounds(catalog, today=TODAY)

    price = guardrails.clamp(proposal, limits)

    assert guardrails.violations(price, catalog, today=TODAY).sum() == 0
    inside = (catalog.current_price >= limits.hard_low / 100) & (catalog.current_price <= limits.hard_high / 100)
    unlocked = ~limits.locked & inside
    assert np.all(price[unlocked] * 100 >= limits.low[unlocked] - 1e-6)
    assert np.all(price[unlocked] * 100 <= limits.high[unlocked] + 1e-6)


def test_bounds_combine_every_rule():
    catalog = Catalog.build(
        sku=["A", "B", "C", "D"],
        cost=[10.0, 10.0, 10.0, 10.0],
        min_price=[5.0, 5.0, 5.0, 30.0],
        max_price=[100.0, 100.0, 100.0, 40.0],
        current_price=[20.0, 20.0, 20.0, 20.0],
        max_change_pct=[10.0, 10.0, 10.0, 10.0],
        min_margin_pct=np.array([25.0, 25.0, 25.0, 0.0]),
        max_weekly_change_pct=np.array([np.nan, 5.0, np.nan, np.nan]),
        price_week_ago=np.array([np.nan, 20.0, np.nan, np.nan]),
        min_days_between_changes=np.array([0.0, 0.0, 3.0, 0.0]),
        last_change_day=np.array([np.nan, np.nan, TODAY - 2, np.nan]),
    )

    limits = guardrails.bounds(catalog, today=TODAY)

    # A: +-10% of 20; B: the weekly 5% is tighter; C: changed 2 days ago with 3 required: held;
    # D: the current price is below the floor: the floor wins over the change limit.
    assert limits.low.tolist() == [1800, 1900, 2000, 3000]
    assert limits.high.tolist() == [2200, 2100, 2000, 3000]
    assert limits.locked.tolist() == [False, False, True, False]


def test_violations_counts_each_broken_rule():
    catalog = Catalog.build(
        sku=["A", "B", "C"],
        cost=[10.0, 10.0, 10.0],
        min_price=[5.0, 5.0, 5.0],
        max_price=[100.0, 100.0, 100.0],
        current_price=[20.0, 20.0, 20.0],
        max_change_pct=[10.0, 10.0, 10.0],
        frozen=np.array([False, True, False]),
    )

    counts = guardrails.violations(np.array([30.0, 20.01, 10.5]), catalog, today=TODAY)

    assert counts.tolist() == [1, 1, 1]


def test_a_current_price_a_fraction_of_a_cent_below_the_floor_moves_up_to_it_whatever_the_weekly_limit():
    # Found by the property test in CI: 1.62 is below a 1.625 floor, so the floor (1.63) wins over a
    # 3 % weekly limit from 1.00, and the checker must judge it the same way.
    catalog = Catalog(
        sku=np.array(["P0"], dtype=object),
        category=np.array(["c"], dtype=object),
        cost=np.array([1.0]),
        min_price=np.array([1.625]),
        max_price=np.array([3.25]),
        current_price=np.array([1.62]),
        min_margin_pct=np.array([0.0]),
        max_change_pct=np.array([np.nan]),
        max_weekly_change_pct=np.array([3.0]),
        min_days_between_changes=np.array([0.0]),
        last_change_day=np.array([np.nan]),
        price_week_ago=np.array([1.0]),
        frozen=np.array([False]),
        stock=np.array([np.nan]),
    )

    price = guardrails.clamp(np.array([1.0]), guardrails.bounds(catalog, today=TODAY))

    assert price.tolist() == [1.63]
    assert guardrails.violations(price, catalog, today=TODAY).tolist() == [0]
