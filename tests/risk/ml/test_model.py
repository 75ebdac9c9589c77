"""risk.ml.model: the engine learns planted fraud, explains it, survives new categories, round-trips."""

import numpy as np
import pandas as pd
import pytest

from risk.ml.evaluation import evaluate_files, ranking_metrics
from risk.ml.features import derive_features
from risk.ml.model import RiskModel
from tests.risk.ml.planted import planted_events

NAMES = {"time": "placed_at", "account_time": "created_at", "entities": ["device"]}
PLANTED = {"account_age_seconds", "device__count", "device__count_1h", "device__count_24h", "device__accounts",
           "device__seconds_since_previous"}  # fmt: skip


@pytest.fixture(scope="module")
def fitted():
    """Features of planted events, and the engine fitted on the first 70% of rows."""
    events = planted_events(seed=1)
    labels = events.pop("fraud").to_numpy()
    features = derive_features(events, **NAMES)
    cut = int(len(events) * 0.7)
    return features, labels, cut, RiskModel.fit(features.iloc[:cut], labels[:cut])


def test_the_engine_finds_planted_fraud_far_better_than_the_raw_columns():
    events = planted_events(seed=2)
    cut = int(len(events) * 0.7)

    result = evaluate_files(events.iloc[:cut], events.iloc[cut:], label="fraud", **NAMES)

    assert result["engine"]["roc_auc"] > 0.97
    assert result["engine"]["recall_at_5pct_fpr"] > 0.9
    assert result["baseline"]["roc_auc"] < 0.75  # amount and channel carry no signal
    assert result["engine"]["pr_auc"] > result["baseline"]["pr_auc"] + 0.5
    assert set(PLANTED) <= set(result["features"])
    assert "order_id" not in result["features"]  # an identifier, not a feature


def test_probabilities_are_calibrated_to_the_fraud_rate(fitted):
    features, labels, cut, model = fitted

    probabilities = model.predict_proba(features.iloc[cut:])

    assert abs(probabilities.mean() - labels[cut:].mean()) < 0.05
    assert probabilities[labels[cut:] == 1].mean() > 0.7
    assert probabilities[labels[cut:] == 0].mean() < 0.1


def test_reasons_name_the_planted_features_largest_first(fitted):
    features, labels, cut, model = fitted
    frauds = features.iloc[cut:][labels[cut:] == 1]

    reasons = model.reasons(frauds, top=3)

    assert len(reasons) == len(frauds)
    for row, explained in enumerate(reasons):
        assert 1 <= len(explained) <= 3
        assert explained[0].feature in PLANTED
        value = frauds[explained[0].feature].iloc[row]
        assert explained[0].value == (None if pd.isna(value) else value)
        contributions = [reason.contribution for reason in explained]
        assert contributions == sorted(contributions, reverse=True)
        assert min(contributions) > 0


def test_unseen_categories_and_missing_columns_do_not_crash(fitted):
    features, _, cut, model = fitted
    rows = features.iloc[cut : cut + 5]
    unseen = rows.assign(channel=pd.Categorical(["telephone"] * 5))
    missing = rows.assign(channel=pd.Categorical([None] * 5, categories=["web"]))

    scores = model.predict_proba(unseen)

    np.testing.assert_array_equal(scores, model.predict_proba(missing))
    np.testing.assert_array_equal(
        model.predict_proba(rows.drop(columns=["amount"]).assign(extra=1.0)),
        model.predict_proba(rows.assign(amount=np.nan)),
    )
    assert len(model.reasons(unseen)) == 5


def test_numbers_as_text_or_an_untyped_missing_column_score_as_the_numbers(fitted):
    """A checkout's few rows can leave a column as text, or untyped when all missing (a first order)."""
    features, _, cut, model = fitted
    rows = features.iloc[cut : cut + 5]
    as_text = rows.assign(amount=rows["amount"].astype(str))
    untyped = rows.assign(amount=pd.Series([None] * 5, index=rows.index, dtype=object))

    np.testing.assert_array_equal(model.predict_proba(as_text), model.predict_proba(rows))
    np.testing.assert_array_equal(model.predict_proba(untyped), model.predict_proba(rows.assign(amount=np.nan)))


def test_round_trip_through_bytes_gives_identical_scores_and_reasons(fitted):
    features, _, cut, model = fitted

    loaded = RiskModel.from_bytes(model.to_bytes())

    np.testing.assert_array_equal(loaded.predict_proba(features.iloc[cut:]), model.predict_proba(features.iloc[cut:]))
    assert loaded.reasons(features.iloc[cut:]) == model.reasons(features.iloc[cut:])


def test_other_bytes_are_refused():
    with pytest.raises(ValueError, match="Not a risk model artifact"):
        RiskModel.from_bytes(b'{"format": "something else"}')


def test_fitting_needs_both_classes(fitted):
    features, labels, _, _ = fitted

    with pytest.raises(ValueError, match="0 or 1"):
        RiskModel.fit(features, np.zeros(len(labels), dtype=int))


def test_same_seed_same_model(fitted):
    features, labels, cut, model = fitted

    again = RiskModel.fit(features.iloc[:cut], labels[:cut])

    assert ranking_metrics(labels[cut:], again.predict_proba(features.iloc[cut:])) == ranking_metrics(
        labels[cut:], model.predict_proba(features.iloc[cut:])
    )
