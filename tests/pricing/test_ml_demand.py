"""The demand model on planted data: it learns, it is monotone in price, it round-trips, it explains."""

import numpy as np

from pricing.ml import demand, engine, evaluation, features
from tests.pricing.synthetic import planted


def test_elasticity_fit_recovers_the_planted_elasticity():
    history, catalog, true_e = planted(skus=12, days=120, seed=1, elasticity=-2.0)

    fitted = demand.fitted_build(history, catalog, params={"kernel_width": 10.0})

    assert abs(fitted.est.elasticity.mean() - true_e.mean()) < 0.3
    assert np.all(fitted.est.elasticity <= -0.3)


def test_predicted_demand_never_rises_with_price():
    history, catalog, _ = planted(skus=12, days=120, seed=2)
    fitted = demand.fitted_build(history, catalog)
    assert fitted.trees.booster is not None
    n, k = len(catalog), 60
    prices = catalog.current_price[:, None] * np.linspace(0.3, 3.0, k)[None, :]
    col = fitted.panel.units.shape[1]

    units = fitted.units(np.repeat(np.arange(n), k), np.full(n * k, col), prices.ravel(), np.full(n * k, 50.0))

    steps = np.diff(units.reshape(n, k), axis=1)
    assert steps.max() <= 1e-9
    assert steps.min() < 0


def test_model_beats_the_seasonal_naive_forecast_on_a_time_split():
    history, catalog, _ = planted(skus=12, days=120, seed=3)

    metrics = evaluation.evaluate(history, catalog, holdout_days=14)

    assert metrics["holdout_rows"] == 12 * 14
    assert metrics["wmape"] < metrics["baseline_wmape"]
    assert metrics["mae"] < metrics["baseline_mae"]


def test_saved_model_predicts_exactly_like_the_trained_one(tmp_path):
    history, catalog, _ = planted(skus=12, days=100, seed=4)
    trees = demand.fitted_build(history, catalog).trees

    demand.save(trees, tmp_path)
    loaded = demand.load(tmp_path)

    matrix = demand.fitted_build(history, catalog, trees=trees)
    rows = np.arange(len(catalog))
    features_now = matrix.matrix(rows, np.full(len(rows), 100), catalog.current_price, catalog.stock)
    np.testing.assert_array_equal(loaded.raw(features_now), trees.raw(features_now))
    assert loaded.dispersion == trees.dispersion


def test_each_suggestion_is_explained_with_elasticity_and_contributions():
    history, catalog, _ = planted(skus=12, days=100, seed=5)

    result = engine.suggest(history=history, catalog=catalog, explore=False)

    for reason, contributions in zip(result.reasons, result.contributions, strict=True):
        assert "price elasticity -" in reason
        assert set(contributions) >= {f"group:{g}" for g in ("price", "weekday", "season", "stock")}
    weekday = np.array([c["group:weekday"] for c in result.contributions])
    assert np.all(np.isfinite(weekday))
    assert np.all(result.units_low <= result.expected_units)
    assert np.all(result.expected_units <= result.units_high)
    assert len(features.FEATURES) == 16


def test_profit_objective_moves_towards_the_known_optimum():
    # Constant elasticity -2 and cost = half the list price: profit peaks at p = cost x e/(e+1) = list price.
    history, catalog, _ = planted(skus=12, days=120, seed=6, elasticity=-2.0)

    result = engine.suggest(history=history, catalog=catalog, explore=False)

    list_price = catalog.cost * 2
    before = np.abs(np.log(catalog.current_price / list_price))
    after = np.abs(np.log(result.suggested_price / list_price))
    assert after.mean() < before.mean()
