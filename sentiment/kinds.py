"""The `sentiment` model kind: the review sentiment classifier, trained through the ML platform.

Data: the store's reviews (title and body) with their stars as weak labels (1-2 negative, 3
neutral, 4-5 positive), plus the anchor sentences of sentiment.ml.seed, so a store with few
reviews still trains all three classes. Held out: the newest `holdout_share` of the reviews
(`split="time"`, the default: the model is judged on reviews written after the ones it learnt
from) or a random, stratified share (`split="random"`). The seed sentences are never held out.

Metrics on the held-out reviews (sentiment.ml.evaluation, the protocol `evaluate_sentiment` uses
too): accuracy and macro-F1 (the quality gate's metric) of the engine, and of two baselines in the
same run: TF-IDF + logistic regression trained on the same split (`baseline_tfidf_*`) and VADER
(`baseline_vader_*`), plus the expected calibration error.

Engine (sentiment.ml.engine): `auto` trains the stacked engine (frozen encoder + n-grams, minutes on
2 CPU cores) on a CPU worker and the fine-tuned ensemble on a GPU worker; the nightly run trains
the ensemble (`scheduled_params`), which becomes champion only if it passes the gate.

Served before any version exists: VADER (sentiment.ml.baselines), which needs no training. When
even that cannot load, `baseline()` returns None and sentiment.inference serves the stars
fallback (which sentiment.services records).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ApplicationError
from ml.kinds import ModelKind, Progress, TrainingData
from ml.text.splits import stratified_holdout
from sentiment import selectors
from sentiment.ml import baselines, classifier, evaluation, stacked
from sentiment.ml.engine import engine_fit, engine_load, engine_save
from sentiment.ml.labels import label_from_stars
from sentiment.ml.seed import seed_texts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabelledTexts:
    texts: list[str]
    labels: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)

    def plus(self, other: "LabelledTexts") -> "LabelledTexts":
        return LabelledTexts(
            texts=self.texts + other.texts,
            labels=np.concatenate([self.labels, other.labels]),
            weights=np.concatenate([self.weights, other.weights]),
        )


def labelled(texts: list[str], labels: list[int], weight: float = 1.0) -> LabelledTexts:
    return LabelledTexts(
        texts=list(texts),
        labels=np.asarray(labels, dtype=np.int64),
        weights=np.full(len(texts), weight, dtype=np.float32),
    )


def holdout_rows(labels: np.ndarray, *, share: float, split: str, seed: int) -> np.ndarray:
    """Boolean mask of held-out rows; rows are in time order (oldest first)."""
    held = np.zeros(len(labels), dtype=bool)
    if split == "time":
        count = round(len(labels) * share)
        if count:
            held[-count:] = True
        return held
    if split != "random":
        raise ApplicationError(f"Unknown split {split!r}: use time or random.", code="invalid")
    _fit, random_rows = stratified_holdout(labels, share=share, seed=seed)
    held[random_rows] = True
    return held


class SentimentKind(ModelKind):
    name = "sentiment"
    title = "Review sentiment"
    main_metric = "macro_f1"
    baseline_metric = "baseline_vader_macro_f1"  # a version that VADER beats never serves
    framework = "torch"
    nightly_at = (4, 0)
    typical_training_minutes = 3.0  # the stacked engine on 2 CPU cores (the ensemble: 30 minutes and more)
    default_params = {
        "engine": "auto",  # sentiment.ml.engine: stacked on a CPU, the fine-tuned ensemble on a GPU
        "stacked": stacked.StackedParams().as_dict(),
        "classifier": classifier.ClassifierParams().as_dict(),
        "split": "time",
        "holdout_share": 0.2,
        "min_reviews": 20,
        "max_reviews": 50000,
        "window_days": 3 * 365,
        "seed_weight": 1.0,
    }

    def extract(self, *, params: dict[str, Any], as_of: datetime) -> TrainingData:
        start = as_of - timedelta(days=params["window_days"])
        rows = selectors.review_training_rows(start=start, end=as_of, limit=params["max_reviews"])
        if len(rows) < params["min_reviews"]:
            raise ApplicationError(
                f"Only {len(rows)} reviews to learn from (at least {params['min_reviews']} are needed); "
                "the VADER baseline keeps scoring until then.",
                code="too_few_reviews",
            )
        store = labelled([text for text, _stars in rows], [label_from_stars(stars) for _text, stars in rows])
        held = holdout_rows(
            store.labels, share=params["holdout_share"], split=params["split"], seed=params["classifier"]["seed"]
        )
        seed_text, seed_labels = seed_texts()
        seed = labelled(seed_text, seed_labels, params["seed_weight"])

        def part(mask: np.ndarray) -> LabelledTexts:
            rows_kept = np.flatnonzero(mask)
            return LabelledTexts(
                texts=[store.texts[row] for row in rows_kept], labels=store.labels[mask], weights=store.weights[mask]
            )

        train, holdout = part(~held), part(held)
        return TrainingData(
            train=train.plus(seed),
            holdout=holdout,
            full=store.plus(seed),
            window_start=start,
            window_end=as_of,
            row_counts={
                "train_reviews": len(train),
                "holdout_reviews": len(holdout),
                "seed_sentences": len(seed),
                **{
                    f"reviews_{name}": int(np.sum(store.labels == index))
                    for index, name in enumerate(("negative", "neutral", "positive"))
                },
            },
        )

    # The nightly run may take its time: the fine-tuned ensemble, which the gate keeps only if it wins.
    scheduled_params = {"engine": "ensemble"}

    def fit(self, *, data: LabelledTexts, params: dict[str, Any], device: str, progress: Progress) -> Any:
        return engine_fit(
            data.texts,
            data.labels,
            engine=params["engine"],
            params=params,
            device=device,
            progress=progress,
            sample_weights=data.weights,
        )

    def evaluate(self, *, model: Any, data: TrainingData) -> dict[str, float]:
        holdout: LabelledTexts = data.holdout
        train: LabelledTexts = data.train
        if not len(holdout):
            return {"macro_f1": 0.0, "accuracy": 0.0, "holdout_reviews": 0}
        measured = evaluation.evaluate(
            probabilities=model.predict_proba(holdout.texts),
            texts=holdout.texts,
            labels=holdout.labels,
            train_texts=train.texts,
            train_labels=train.labels,
        )
        ensemble = (
            {"temperature": model.temperature, "fit_seconds": model.report.seconds}
            if isinstance(model, classifier.SentimentClassifier)
            else {}
        )
        return {
            **measured.engine,
            "ece": measured.engine_ece,
            **ensemble,
            **{f"baseline_tfidf_{name}": value for name, value in measured.tfidf.items()},
            **{f"baseline_vader_{name}": value for name, value in measured.vader.items()},
            "holdout_reviews": len(holdout),
        }

    def save(self, *, model: Any, directory: Path) -> None:
        engine_save(model, directory)

    def load(self, *, directory: Path) -> Any:
        return engine_load(directory)

    def baseline(self) -> baselines.VaderModel | None:
        try:
            return baselines.VaderModel()
        except Exception:
            logger.exception("VADER could not load; reviews get the stars fallback")
            return None
