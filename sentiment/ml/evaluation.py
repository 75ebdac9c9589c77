"""The sentiment evaluation protocol: the engine's probabilities on held-out labelled texts, beside
TF-IDF + logistic regression trained on the same training texts and VADER, on the same rows.

One protocol for both callers, so their figures mean the same thing: the `sentiment` kind
(sentiment.kinds, the quality gate, on held-out store reviews) and `manage.py evaluate_sentiment`
(any labelled files, or the current champion without training texts).

- accuracy and macro-F1 of each model (sentiment.ml.metrics: on a binary test set every model is
  scored negative vs positive);
- the engine's expected calibration error;
- TF-IDF only when training texts are given (the champion's own training texts are not at hand).
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from sentiment.ml import baselines, metrics
from sentiment.ml.engine import engine_fit


@dataclass(frozen=True)
class SentimentEvaluation:
    engine: dict[str, float]  # accuracy, macro_f1
    engine_ece: float
    vader: dict[str, float]
    tfidf: dict[str, float] | None = None  # None without training texts
    tfidf_train_seconds: float | None = None
    engine_train_seconds: float | None = None  # when the protocol trained the engine (evaluate_trained)


def evaluate(
    *,
    probabilities: np.ndarray,
    texts: Sequence[str],
    labels: np.ndarray,
    train_texts: Sequence[str] | None = None,
    train_labels: np.ndarray | None = None,
) -> SentimentEvaluation:
    """Measure the engine's `probabilities` of `texts` against `labels`, beside the baselines."""
    tfidf, tfidf_seconds = None, None
    if train_texts is not None:
        started = time.perf_counter()
        model = baselines.tfidf_fit(train_texts, train_labels)
        tfidf_seconds = time.perf_counter() - started
        tfidf = metrics.scores(model.predict_proba(texts), labels)
    return SentimentEvaluation(
        engine=metrics.scores(probabilities, labels),
        engine_ece=metrics.expected_calibration_error(probabilities, labels),
        vader=metrics.scores(baselines.VaderModel().predict_proba(texts), labels),
        tfidf=tfidf,
        tfidf_train_seconds=tfidf_seconds,
    )


def evaluate_trained(
    *,
    train_texts: Sequence[str],
    train_labels: np.ndarray,
    texts: Sequence[str],
    labels: np.ndarray,
    engine: str,
    params: dict,
    device: str = "cpu",
    progress: Callable[..., None] | None = None,
) -> SentimentEvaluation:
    """Train the engine (sentiment.ml.engine: `engine` and its `params`) on the training texts
    (timed), then `evaluate` it; `progress(fraction, message)` through training (80 %) and scoring."""
    report = progress or (lambda _fraction, _message=None: None)
    started = time.perf_counter()
    model = engine_fit(
        train_texts,
        train_labels,
        engine=engine,
        params=params,
        device=device,
        progress=lambda fraction: report(0.8 * fraction, "training"),
    )
    engine_seconds = time.perf_counter() - started
    report(0.8, "scoring and baselines")
    result = evaluate(
        probabilities=model.predict_proba(texts),
        texts=texts,
        labels=labels,
        train_texts=train_texts,
        train_labels=train_labels,
    )
    report(1.0, "done")
    return replace(result, engine_train_seconds=engine_seconds)
