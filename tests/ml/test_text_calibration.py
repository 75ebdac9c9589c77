"""Temperature scaling and softmax shared by the text models (ml.text.calibration), with exact values."""

import numpy as np
import pytest

from ml.text.calibration import nll, softmax, temperature_fit, temperature_fit_lbfgs


def overconfident(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=300)
    logits = rng.normal(size=(300, 3))
    logits[np.arange(300), labels] += 1.0  # some signal...
    return logits * 8.0, labels  # ...but far too sharp


def test_softmax_rows_sum_to_one_and_survive_huge_logits():
    probabilities = softmax(np.array([[0.0, 0.0], [1000.0, 1000.0 + np.log(3.0)]]))
    np.testing.assert_allclose(probabilities, [[0.5, 0.5], [0.25, 0.75]])


def test_nll_of_a_uniform_guess_is_log_of_the_classes():
    assert nll(np.zeros((4, 3)), np.array([0, 1, 2, 0]), 1.0) == pytest.approx(np.log(3.0))


def test_temperature_scaling_cools_overconfident_logits():
    logits, labels = overconfident()
    temperature = temperature_fit(logits, labels)
    assert temperature > 4.0
    assert nll(logits, labels, temperature) < nll(logits, labels, 1.0)


def test_the_grid_fit_keeps_one_when_there_is_nothing_to_fit():
    assert temperature_fit(np.zeros((0, 3)), np.zeros(0, dtype=int)) == 1.0


def test_the_lbfgs_fit_finds_the_grid_fits_temperature():
    logits, labels = overconfident()
    lbfgs = temperature_fit_lbfgs(logits, labels)
    assert lbfgs > 4.0
    # The grid's steps are 3% apart: the optimum lies within one step of the grid's choice.
    assert lbfgs == pytest.approx(temperature_fit(logits, labels), rel=0.031)
    assert nll(logits, labels, lbfgs) <= nll(logits, labels, temperature_fit(logits, labels)) + 1e-6


def test_temperatures_stay_inside_their_range():
    labels = np.array([0, 1, 0, 1])
    perfect = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    assert temperature_fit(perfect, labels) == pytest.approx(0.05)  # the sharpest the grid allows
    assert 0.05 <= temperature_fit_lbfgs(perfect, labels) < 0.1  # sharpened, never past the floor
