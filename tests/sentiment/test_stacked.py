"""The fast engine (frozen encoder vectors beside n-grams, one regression) on tiny planted data, and
which engine trains when (sentiment.ml.engine)."""

import numpy as np
import pytest

from sentiment.ml import baselines, metrics, stacked
from sentiment.ml.engine import engine_fit, engine_load, engine_resolve, engine_save
from sentiment.ml.labels import NEGATIVE, NEUTRAL, POSITIVE
from tests.sentiment.test_classifier import TEST, TRAIN, split


@pytest.mark.slow
def test_the_stacked_engine_reads_words_it_never_saw_and_round_trips(tmp_path):
    texts, labels = split(TRAIN)
    test_texts, test_labels = split(TEST)
    fractions = []

    model = stacked.stacked_fit(texts, labels, progress=fractions.append)

    probabilities = model.predict_proba(test_texts)
    assert metrics.scores(probabilities, test_labels)["accuracy"] == 1.0
    tfidf = baselines.tfidf_fit(texts, labels)  # no shared words: TF-IDF can only guess
    assert metrics.scores(tfidf.predict_proba(test_texts), test_labels)["accuracy"] < 1.0
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert np.all(probabilities[:, NEUTRAL] == 0.0)  # never trained on neutral: never says it
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    engine_save(model, tmp_path)
    saved = sorted(path.name for path in tmp_path.iterdir())
    assert saved == ["stacked.json", "stacked.npz", "tfidf_idf.npy", "tfidf_vocabulary.json"]
    reloaded = engine_load(tmp_path)
    assert isinstance(reloaded, stacked.StackedModel)
    assert np.allclose(reloaded.predict_proba(test_texts), probabilities, atol=1e-6)


@pytest.mark.slow
def test_engine_fit_trains_the_stacked_engine_on_a_cpu_with_the_given_parameters():
    texts, labels = split(TRAIN)
    model = engine_fit(texts, labels, engine="auto", params={"stacked": {"c": 2.0, "max_length": 32}}, device="cpu")
    assert isinstance(model, stacked.StackedModel)
    assert (model.params.c, model.params.max_length) == (2.0, 32)


def test_auto_is_the_ensemble_on_a_gpu_and_the_stacked_engine_on_a_cpu():
    assert engine_resolve("auto", "cpu") == "stacked"
    assert engine_resolve("auto", "cuda:0") == "ensemble"
    assert engine_resolve("ensemble", "cpu") == "ensemble"
    with pytest.raises(ValueError, match="engine must be one of auto, stacked, ensemble, not 'big'"):
        engine_resolve("big", "cpu")


def test_stacked_parameters_are_checked():
    with pytest.raises(ValueError, match="max_length must be from 8 to 512, not 4"):
        stacked.StackedParams(max_length=4)
    with pytest.raises(ValueError, match="c above 0 and balance from 0 to 1"):
        stacked.StackedParams(c=0)


def test_training_needs_two_classes_and_one_label_per_text():
    with pytest.raises(ValueError, match="Training needs texts of at least two classes"):
        stacked.stacked_fit(["good", "great"], np.array([POSITIVE, POSITIVE]))
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        stacked.stacked_fit(["good", "bad"], np.array([NEGATIVE]))
