"""The baseline every engine run is compared with: TF-IDF word n-grams + logistic regression (ml.text.tfidf).

Out of scope is detected the same way as in the engine (oos.threshold_tune on the maximum
probability, tuned on the same held-out split), so the comparison is like for like.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ml.text.tfidf import tfidf_logistic_fit
from support.ml import oos


@dataclass
class TfidfBaseline:
    vectorizer: TfidfVectorizer
    classifier: LogisticRegression
    threshold: float = float("-inf")

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.classifier.classes_]

    def probabilities(self, texts: list[str]) -> np.ndarray:
        return self.classifier.predict_proba(self.vectorizer.transform(texts))

    def predict(self, texts: list[str], *, detect_oos: bool = False) -> list[str | None]:
        probabilities = self.probabilities(texts)
        labels = self.classifier.classes_[probabilities.argmax(axis=1)]
        if not detect_oos:
            return [str(label) for label in labels]
        confident = probabilities.max(axis=1) >= self.threshold
        return [str(label) if keep else None for label, keep in zip(labels, confident, strict=True)]

    def answers(self, texts: list[str]) -> tuple[list[str], list[str | None]]:
        """(the top intent of each text, the same with declined texts as None), from one pass."""
        probabilities = self.probabilities(texts)
        labels = [str(label) for label in self.classifier.classes_[probabilities.argmax(axis=1)]]
        confident = probabilities.max(axis=1) >= self.threshold
        return labels, [label if keep else None for label, keep in zip(labels, confident, strict=True)]


def baseline_fit(texts: list[str], intents: list[str], *, seed: int = 0) -> TfidfBaseline:
    vectorizer, classifier = tfidf_logistic_fit(texts, intents, c=10.0, random_state=seed)
    return TfidfBaseline(vectorizer, classifier)


def baseline_fit_with_threshold(
    *,
    fit: tuple[list[str], list[str]],
    held_out: tuple[list[str], list[str]],
    full: tuple[list[str], list[str]],
    max_loss: float,
    seed: int = 0,
) -> TfidfBaseline:
    """Tune the declining threshold on `held_out` with a model of `fit`, then refit on `full` and keep it."""
    tuning = baseline_fit(*fit, seed=seed)
    probabilities = tuning.probabilities(held_out[0])
    correct = tuning.classifier.classes_[probabilities.argmax(axis=1)] == np.array(held_out[1], dtype=object)
    model = baseline_fit(*full, seed=seed)
    model.threshold = oos.threshold_tune(scores=probabilities.max(axis=1), correct=correct, max_loss=max_loss)
    return model
