"""`campaigns.ml.uplift.UpliftModel`: it finds the customers an offer moves, and survives a round trip."""

import json

import numpy as np
import pandas as pd
import pytest

from campaigns.ml.evaluation import random_targeting, uplift_metrics
from campaigns.ml.uplift import DEFAULT_LEARNER, LEARNERS, UpliftModel
from tests.campaigns.synthetic import campaign


@pytest.fixture(scope="module")
def planted():
    """A training and a test campaign with the same planted effect (tests/campaigns/synthetic.py)."""
    return campaign(4000, seed=1), campaign(3000, seed=2)


def _responsive(features: pd.DataFrame) -> np.ndarray:
    return ((features["affinity"] > 0.3) & (features["region"] == "north")).to_numpy()


def test_the_engine_ranks_the_customers_the_offer_moves_far_above_random_targeting(planted):
    # given
    (features, treatment, bought), (test_features, test_treatment, test_bought) = planted

    # when
    uplift = UpliftModel().fit(features, treatment, bought, seed=0).predict_uplift(test_features)

    # then: the Qini coefficient is beyond anything chance gives, and the top 10% respond to the offer
    engine = uplift_metrics(test_bought, test_treatment, uplift)
    random = random_targeting(test_bought, test_treatment, draws=50)
    assert engine["qini"] > random["qini"] + 3 * random["qini_sd"]
    assert engine["uplift_at"]["10%"] > 0.15 > random["uplift_at"]["10%"]


@pytest.mark.parametrize("learner", [learner for learner in LEARNERS if learner != "single_model"])
def test_every_uplift_learner_gives_the_responsive_customers_the_higher_uplift(planted, learner):
    # (the single-model baseline shrinks the effect towards zero: its trees seldom split on the treatment)
    (features, treatment, bought), (test_features, _, _) = planted

    uplift = UpliftModel(learner=learner).fit(features, treatment, bought).predict_uplift(test_features)

    responsive = _responsive(test_features)
    assert uplift[responsive].mean() - uplift[~responsive].mean() > 0.1  # planted: 0.33


def test_a_saved_model_predicts_the_same_and_is_json_not_pickle(planted):
    (features, treatment, bought), (test_features, _, _) = planted
    model = UpliftModel().fit(features, treatment, bought)

    data = model.to_bytes()
    loaded = UpliftModel.from_bytes(data)

    assert json.loads(data)["learner"] == DEFAULT_LEARNER
    assert loaded.categories == {"region": ["north", "south", "west"]}
    np.testing.assert_array_equal(loaded.predict_uplift(test_features), model.predict_uplift(test_features))


def test_an_unseen_category_level_or_an_empty_cell_is_treated_as_missing(planted):
    (features, treatment, bought), (test_features, _, _) = planted
    model = UpliftModel().fit(features, treatment, bought)
    odd = test_features.head(3).assign(region=["east", None, "north"])

    uplift = model.predict_uplift(odd)

    assert np.isfinite(uplift).all()


def test_a_numeric_outcome_is_modelled_by_regression():
    # given: spend, raised by 10 for treated customers with x > 0 only
    rng = np.random.default_rng(3)
    features = pd.DataFrame({"x": rng.normal(size=3000)})
    treatment = rng.integers(0, 2, 3000)
    spend = 20 + 5 * rng.normal(size=3000) + 10 * treatment * (features["x"] > 0)

    model = UpliftModel().fit(features, treatment, spend.to_numpy())
    uplift = model.predict_uplift(pd.DataFrame({"x": [-1.0, 1.0]}))

    assert not model.binary
    assert uplift[0] == pytest.approx(0, abs=2.5)
    assert uplift[1] == pytest.approx(10, abs=2.5)


def test_an_unknown_learner_a_single_group_or_too_few_rows_are_refused(planted):
    (features, treatment, bought), _ = planted
    with pytest.raises(ValueError, match="Unknown uplift learner 'magic'"):
        UpliftModel(learner="magic")
    with pytest.raises(ValueError, match="both groups"):
        UpliftModel().fit(features, np.ones(len(features)), bought)
    with pytest.raises(ValueError, match="at least 20 treated and 20 control rows"):
        UpliftModel().fit(features.head(30), treatment[:30], bought[:30])
