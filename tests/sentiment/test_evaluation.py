"""The one evaluation protocol of the `sentiment` kind and `evaluate_sentiment` (sentiment.ml.evaluation)."""

import numpy as np

from sentiment.ml import evaluation
from sentiment.ml.labels import NEGATIVE, POSITIVE
from tests.sentiment.test_classifier import TEST, TRAIN, split


def test_the_engine_is_scored_beside_tfidf_trained_on_the_same_texts_and_vader():
    texts, labels = split(TEST)
    sure = np.zeros((len(TEST), 3))
    sure[np.arange(len(TEST)), labels] = 1.0  # an engine that is always right, and sure of it

    measured = evaluation.evaluate(
        probabilities=sure, texts=texts, labels=labels, train_texts=split(TRAIN)[0], train_labels=split(TRAIN)[1]
    )

    assert measured.engine == {"accuracy": 1.0, "macro_f1": 1.0}
    assert measured.engine_ece == 0.0
    assert set(measured.tfidf) == {"accuracy", "macro_f1"}
    assert measured.tfidf_train_seconds > 0
    assert set(measured.vader) == {"accuracy", "macro_f1"}


def test_without_training_texts_there_is_no_tfidf_figure():
    texts, labels = split(TEST)
    wrong = np.tile([0.0, 0.0, 1.0], (len(TEST), 1))  # always positive

    measured = evaluation.evaluate(probabilities=wrong, texts=texts, labels=labels)

    assert measured.engine["accuracy"] == 0.5
    assert (measured.tfidf, measured.tfidf_train_seconds) == (None, None)
    assert labels.tolist().count(POSITIVE) == labels.tolist().count(NEGATIVE) == 3
