"""`campaigns.ml.evaluation`: the Qini coefficient, the AUUC and the uplift at k on cases worked by hand."""

import numpy as np
import pytest

from campaigns.ml.evaluation import (
    auuc,
    qini_coefficient,
    qini_curve,
    random_targeting,
    uplift_at,
    uplift_curve,
    uplift_metrics,
)

# Four customers: a treated buyer, a treated non-buyer, a control non-buyer, a control buyer.
OUTCOME = np.array([1, 0, 0, 1])
TREATMENT = np.array([1, 1, 0, 0])


def test_the_qini_curve_counts_incremental_buyers_among_the_first_n():
    # when: ranked in the order given
    x, q = qini_curve(OUTCOME, TREATMENT, np.array([4, 3, 2, 1]))

    # then: no control customer yet for n = 1, 2 (the control term is 0); at n = 4, 1 - 1 * 2/2 = 0
    assert x.tolist() == [0, 1, 2, 3, 4]
    assert q.tolist() == [0, 1, 1, 1, 0]


def test_the_perfect_order_has_qini_coefficient_one_and_the_reverse_order_minus_one_sixth():
    # the perfect curve (0,0) (1,1) (3,1) (4,0) has area 3, the diagonal to (4, 0) area 0
    assert qini_coefficient(OUTCOME, TREATMENT, np.array([4, 3, 2, 1])) == 1.0
    # reversed, Q = 0, 0, 0, -0.5, 0: area -0.5, over 3
    assert qini_coefficient(OUTCOME, TREATMENT, np.array([1, 2, 3, 4])) == pytest.approx(-1 / 6)


def test_equal_scores_enter_together_so_a_constant_score_is_random_targeting():
    x, _ = qini_curve(OUTCOME, TREATMENT, np.zeros(4))

    assert x.tolist() == [0, 4]
    assert qini_coefficient(OUTCOME, TREATMENT, np.zeros(4)) == 0.0


def test_the_uplift_curve_and_auuc():
    # U(3) = (1/2 - 0/1) * 3 = 1.5, U(4) = (1/2 - 1/2) * 4 = 0; earlier points lack a control customer
    _, u = uplift_curve(OUTCOME, TREATMENT, np.array([4, 3, 2, 1]))

    assert u.tolist() == [0, 0, 0, 1.5, 0]
    # area 1.5 over n = 0..4, per customer and per unit of fraction targeted: 1.5 / 4 / 4
    assert auuc(OUTCOME, TREATMENT, np.array([4, 3, 2, 1])) == 0.09375


def test_uplift_at_k_is_the_treated_minus_control_rate_in_the_top_slice():
    # given: ten customers ranked 10..1
    scores = np.arange(10, 0, -1)
    treatment = np.array([1, 0, 1, 0, 1, 1, 0, 1, 0, 0])
    outcome = np.array([1, 0, 1, 0, 0, 0, 1, 0, 0, 1])

    # top 3: treated 2 of 2 bought, control 0 of 1; top 5: treated 2 of 3, control 0 of 2
    assert uplift_at(outcome, treatment, scores, 0.3) == 1.0
    assert uplift_at(outcome, treatment, scores, 0.5) == pytest.approx(2 / 3)
    # top 1: no control customer, so no uplift can be measured
    assert uplift_at(outcome, treatment, scores, 0.1) is None
    assert uplift_metrics(outcome, treatment, scores)["uplift_at"] == {"10%": None, "20%": 1.0, "30%": 1.0}


def test_random_orders_average_a_qini_of_about_zero_and_report_their_spread():
    rng = np.random.default_rng(0)
    treatment = rng.integers(0, 2, 2000)
    outcome = (rng.random(2000) < 0.2 + 0.05 * treatment).astype(int)

    random = random_targeting(outcome, treatment, draws=50, seed=1)

    assert random["draws"] == 50
    assert random["qini_sd"] > 0
    assert abs(random["qini"]) < random["qini_sd"]
    # a random order's AUUC is about half the overall uplift (the area under the diagonal)
    overall = outcome[treatment == 1].mean() - outcome[treatment == 0].mean()
    assert random["auuc"] == pytest.approx(overall / 2, abs=3 * random["auuc_sd"])


def test_mismatched_or_non_binary_inputs_are_refused():
    with pytest.raises(ValueError, match="same length"):
        uplift_metrics(OUTCOME, TREATMENT, np.zeros(3))
    with pytest.raises(ValueError, match="0 or 1"):
        uplift_metrics(OUTCOME, np.array([1, 2, 0, 0]), np.zeros(4))
