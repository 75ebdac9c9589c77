"""Accuracy and macro-F1 of probabilities against true classes.

Predictions are the most probable class AMONG THE CLASSES THE TRUE LABELS USE: on a binary data
set (no neutral texts) a model that can say neutral (VADER, a store model) is scored negative vs
positive, the usual convention for SST-2 and the UCI sets. Macro-F1 averages those classes.
"""

import numpy as np

from sentiment.ml.labels import LABELS


def predictions(probabilities: np.ndarray, classes: np.ndarray) -> np.ndarray:
    allowed = np.zeros(len(LABELS), dtype=bool)
    allowed[np.unique(classes)] = True
    return np.where(allowed, probabilities, -np.inf).argmax(axis=1)


def scores(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    labels = np.asarray(labels)
    predicted = predictions(probabilities, labels)
    present = np.unique(labels)
    f1s = []
    for label in present:
        true_positive = float(np.sum((predicted == label) & (labels == label)))
        predicted_count = float(np.sum(predicted == label))
        actual_count = float(np.sum(labels == label))
        precision = true_positive / predicted_count if predicted_count else 0.0
        recall = true_positive / actual_count if actual_count else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return {
        "accuracy": float(np.mean(predicted == labels)) if len(labels) else 0.0,
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
    }


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, *, bins: int = 10) -> float:
    """ECE of the top-class confidence, over equal-width bins."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(labels)
    total = 0.0
    for low in np.linspace(0, 1, bins, endpoint=False):
        inside = (confidence > low) & (confidence <= low + 1 / bins)
        if inside.any():
            total += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(total)
