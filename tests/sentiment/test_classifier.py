"""The engine on tiny planted data: it learns, its probabilities are calibrated and it round-trips."""

import numpy as np
import pytest

from sentiment.ml import baselines, classifier, metrics
from sentiment.ml.labels import NEGATIVE, NEUTRAL, POSITIVE

TRAIN = [
    ("I love it, wonderful quality", POSITIVE),
    ("Excellent, works perfectly", POSITIVE),
    ("Fantastic purchase, very happy", POSITIVE),
    ("Brilliant and beautiful, highly recommend", POSITIVE),
    ("Great value, delighted with it", POSITIVE),
    ("Superb, the best I have owned", POSITIVE),
    ("Terrible, it broke on day one", NEGATIVE),
    ("Awful quality, complete waste of money", NEGATIVE),
    ("Very disappointed, does not work", NEGATIVE),
    ("Horrible, I returned it", NEGATIVE),
    ("Rubbish, fell apart quickly", NEGATIVE),
    ("The worst purchase ever, avoid", NEGATIVE),
]
TEST = [
    ("Absolutely lovely, I am thrilled", POSITIVE),
    ("Really pleased, it is perfect", POSITIVE),
    ("Amazing product, five stars", POSITIVE),
    ("Dreadful, stopped working at once", NEGATIVE),
    ("Poor and cheap, I regret buying it", NEGATIVE),
    ("Useless junk, do not buy", NEGATIVE),
]


def split(rows):
    return [text for text, _ in rows], np.array([label for _, label in rows])


@pytest.mark.slow
def test_a_tiny_model_learns_positive_versus_negative(tmp_path):
    texts, labels = split(TRAIN)
    test_texts, test_labels = split(TEST)
    params = classifier.ClassifierParams(tune_layers=1, epochs=6, calibration_share=0.0, batch_size=4)
    model = classifier.fit(texts, labels, params=params)

    probabilities = model.predict_proba(test_texts)
    assert metrics.scores(probabilities, test_labels) == {"accuracy": 1.0, "macro_f1": 1.0}
    # Neutral never appeared in training, so the model never says it.
    assert probabilities[:, NEUTRAL].tolist() == [0.0] * len(TEST)
    assert model.classes_present == ["negative", "positive"]
    # A majority-class guess gets half of them right.
    assert metrics.scores(np.tile([1.0, 0.0, 0.0], (len(TEST), 1)), test_labels)["accuracy"] == 0.5

    classifier.save(model, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["classifier.json", "weights.pt"]
    reloaded = classifier.load(tmp_path)
    np.testing.assert_allclose(reloaded.predict_proba(test_texts), probabilities, atol=1e-6)


def test_temperature_scaling_cools_overconfident_logits():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=300)
    logits = rng.normal(size=(300, 3))
    logits[np.arange(300), labels] += 1.0  # some signal...
    logits *= 8.0  # ...but far too sharp
    temperature = classifier.temperature_fit(logits, labels)
    assert temperature > 4.0
    assert classifier.nll(logits, labels, temperature) < classifier.nll(logits, labels, 1.0)


def test_calibration_split_holds_out_a_share_of_each_class():
    labels = np.array([0] * 20 + [2] * 10 + [1] * 1)
    fit_rows, held = classifier.calibration_split(labels, share=0.1, seed=0)
    assert sorted(labels[held].tolist()) == [0, 0, 2]
    assert len(fit_rows) + len(held) == len(labels)
    assert not set(fit_rows) & set(held)


def test_vader_probabilities_follow_its_thresholds():
    probabilities = baselines.vader_probabilities(np.array([0.8, -0.5, 0.0, 0.04]))
    np.testing.assert_allclose(
        probabilities,
        [[0.0, 0.1, 0.9], [0.75, 0.25, 0.0], [0.0, 1.0, 0.0], [0.0, 0.96, 0.04]],
    )


def test_binary_test_sets_are_scored_between_their_two_classes():
    # Neutral is the most probable here, but the true labels use negative and positive only.
    probabilities = np.array([[0.3, 0.6, 0.1], [0.1, 0.6, 0.3]])
    assert metrics.scores(probabilities, np.array([NEGATIVE, POSITIVE])) == {"accuracy": 1.0, "macro_f1": 1.0}
