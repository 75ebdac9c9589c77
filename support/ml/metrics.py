"""Intent metrics. A prediction of None means "out of scope" (the engine declined to answer)."""

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import f1_score

OOS = "__oos__"  # the out-of-scope label inside metrics, whatever the data calls it


def intent_metrics(*, truth: Sequence[str | None], predicted: Sequence[str | None], with_oos: bool) -> dict[str, float]:
    """accuracy and macro_f1 over every row (None = out of scope); with_oos adds in-scope accuracy and OOS recall.

    In-scope accuracy counts a declined in-scope row as wrong; OOS recall is the share of
    out-of-scope rows declined. Macro-F1 averages over the true labels, out of scope included.
    """
    truth_labels = np.array([OOS if label is None else label for label in truth], dtype=object)
    predicted_labels = np.array([OOS if label is None else label for label in predicted], dtype=object)
    if len(truth_labels) == 0:
        raise ValueError("No rows to measure.")
    correct = truth_labels == predicted_labels
    labels = sorted(set(truth_labels.tolist()))
    metrics = {
        "accuracy": float(correct.mean()),
        "macro_f1": float(f1_score(truth_labels, predicted_labels, labels=labels, average="macro", zero_division=0)),
    }
    if with_oos:
        in_scope = truth_labels != OOS
        metrics["in_scope_accuracy"] = float(correct[in_scope].mean()) if in_scope.any() else 0.0
        metrics["oos_recall"] = float(correct[~in_scope].mean()) if (~in_scope).any() else 0.0
    return metrics
