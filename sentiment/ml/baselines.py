"""The baselines every engine figure is printed next to: TF-IDF + logistic regression, and VADER.

Both return (n, 3) probabilities over sentiment.ml.labels.LABELS, like the classifier, so the same
metrics apply. VADER needs no training; it is also what the `sentiment` kind serves before the
store has a trained version.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ml.text.tfidf import tfidf_logistic_fit
from sentiment.ml.labels import LABELS, NEGATIVE, NEUTRAL, POSITIVE

VADER_NEUTRAL_BAND = 0.05  # VADER's own threshold: |compound| below it is neutral


@dataclass
class TfidfModel:
    """Word 1-2 gram TF-IDF (sublinear tf) and a multinomial logistic regression (ml.text.tfidf)."""

    vectorizer: object
    regression: object

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        partial = self.regression.predict_proba(self.vectorizer.transform(list(texts)))
        result = np.zeros((len(texts), len(LABELS)), dtype=np.float64)
        result[:, self.regression.classes_] = partial
        return result


def tfidf_fit(texts: Sequence[str], labels: np.ndarray, *, c: float = 4.0) -> TfidfModel:
    vectorizer, regression = tfidf_logistic_fit(texts, np.asarray(labels), c=c)
    return TfidfModel(vectorizer=vectorizer, regression=regression)


class VaderModel:
    """VADER's compound score as probabilities: outside the neutral band the sign's class gets
    0.5 + |compound| / 2 and neutral the rest; inside it neutral gets 1 - |compound|."""

    def __init__(self):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.analyzer = SentimentIntensityAnalyzer()

    def compound(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.analyzer.polarity_scores(text)["compound"] for text in texts], dtype=np.float64)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return vader_probabilities(self.compound(texts))


def vader_probabilities(compound: np.ndarray) -> np.ndarray:
    result = np.zeros((len(compound), len(LABELS)), dtype=np.float64)
    strength = np.abs(compound)
    outside = strength >= VADER_NEUTRAL_BAND
    sign_class = np.where(compound >= 0, POSITIVE, NEGATIVE)
    rows = np.arange(len(compound))
    result[rows[outside], sign_class[outside]] = 0.5 + strength[outside] / 2
    result[rows[outside], NEUTRAL] = 0.5 - strength[outside] / 2
    result[rows[~outside], NEUTRAL] = 1 - strength[~outside]
    result[rows[~outside], sign_class[~outside]] = strength[~outside]
    return result
