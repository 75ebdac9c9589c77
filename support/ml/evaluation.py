"""The intent evaluation protocol: a trained engine and the TF-IDF baseline, measured on the same rows.

One protocol for every caller, so their figures mean the same thing: the `support_intents` kind
(support.kinds, the quality gate, on a held-out share of the store's examples plus fixed
out-of-scope messages), `manage.py evaluate_intents` and `bench/support_bitext.py` (`evaluate`: one
labelled file to train on, another to test on).

- The baseline (support.ml.baseline) learns the engine's training rows; its decline threshold is
  tuned like the engine's, on a stratified held-out share of those rows (`baseline_fit_tuned`; each
  caller passes its share and seed), then it is refitted on all of them.
- Both models answer every test row once (`held_out_measure`); truth None marks an out-of-scope row.
  From those answers: accuracy and macro-F1 of the top intent on the in-scope rows, nothing declined
  (`Answers.answering_all`), and accuracy and macro-F1 over every row with declined rows counted as
  out of scope, in-scope accuracy (declined counts as wrong) and out-of-scope recall
  (`Answers.with_declines`).
- `evaluate`: rows labelled `oos_label` in the training file are never an intent: they only help
  choose the engine's out-of-scope score (engine.engine_fit). On the test file, without `oos_label`:
  the answering-all figures; with it: the with-declines figures and the in-scope accuracy before
  declining (`in_scope_accuracy_all_answered`).
"""

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from ml.text.splits import stratified_holdout
from support.ml import baseline as tfidf
from support.ml.data import Utterances
from support.ml.engine import MIN_HELD_OUT_INTENT_ROWS, EngineParams, IntentEngine, engine_fit
from support.ml.metrics import intent_metrics


class EvaluationError(Exception):
    """The files cannot be evaluated as given (e.g. fewer than two intents to learn)."""


@dataclass(frozen=True)
class IntentEvaluation:
    engine: dict[str, float]
    baseline: dict[str, float]
    engine_train_seconds: float
    engine_train_cpu_seconds: float  # CPU time of all threads: wall time on a busy machine overstates the work
    baseline_train_seconds: float
    engine_predict_ms_per_message: float
    train_rows: int
    train_oos_rows: int
    test_rows: int
    test_oos_rows: int
    intents: int
    test_unknown_intent_rows: int
    engine_facts: dict[str, float]
    engine_params: dict
    oos_label: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def baseline_fit_tuned(
    texts: list[str], intents: list[str], *, holdout_fraction: float, seed: int, max_loss: float
) -> tfidf.TfidfBaseline:
    """The TF-IDF baseline of (texts, intents): its decline threshold tuned on a stratified `holdout_fraction`
    of the rows by a model of the rest (at most `max_loss` in-scope accuracy lost), then refitted on all rows."""
    labels = sorted(set(intents))
    ids = np.array([labels.index(intent) for intent in intents])
    fit_rows, held_rows = stratified_holdout(
        ids, share=holdout_fraction, seed=seed, min_class_rows=MIN_HELD_OUT_INTENT_ROWS
    )
    pick = lambda rows: ([texts[i] for i in rows], [intents[i] for i in rows])  # noqa: E731
    return tfidf.baseline_fit_with_threshold(
        fit=pick(fit_rows), held_out=pick(held_rows), full=(texts, intents), max_loss=max_loss, seed=seed
    )


@dataclass(frozen=True)
class Answers:
    """One model's answers to the test rows: its top intent, and the same with declined rows as None."""

    truth: list[str | None]  # None: out of scope
    top: list[str]
    kept: list[str | None]

    def answering_all(self) -> dict[str, float]:
        """accuracy and macro-F1 of the top intent on the in-scope rows (nothing declined)."""
        rows = [i for i, label in enumerate(self.truth) if label is not None]
        return intent_metrics(
            truth=[self.truth[i] for i in rows], predicted=[self.top[i] for i in rows], with_oos=False
        )

    def with_declines(self) -> dict[str, float]:
        """accuracy and macro-F1 over every row (declined = out of scope), in-scope accuracy, out-of-scope recall."""
        return intent_metrics(truth=self.truth, predicted=self.kept, with_oos=True)


@dataclass(frozen=True)
class HeldOut:
    engine: Answers
    baseline: Answers
    baseline_train_seconds: float
    engine_predict_ms_per_message: float


def held_out_measure(
    *,
    engine: IntentEngine,
    train: tuple[list[str], list[str]],
    texts: Sequence[str],
    truth: Sequence[str | None],
    baseline_holdout_fraction: float,
    baseline_seed: int,
) -> HeldOut:
    """Fit the baseline on the engine's training rows `train` (threshold tuned on its held-out share, see
    `baseline_fit_tuned`) and let both models answer `texts` once each."""
    texts, truth = list(texts), list(truth)
    started = time.monotonic()
    baseline = baseline_fit_tuned(
        *train, holdout_fraction=baseline_holdout_fraction, seed=baseline_seed, max_loss=engine.params.max_in_scope_loss
    )
    baseline_seconds = time.monotonic() - started
    started = time.monotonic()
    predictions = engine.predict(texts)
    predict_ms = 1000 * (time.monotonic() - started) / len(texts)
    return HeldOut(
        engine=Answers(truth, [p.best_intent for p in predictions], [p.intent for p in predictions]),
        baseline=Answers(truth, *baseline.answers(texts)),
        baseline_train_seconds=baseline_seconds,
        engine_predict_ms_per_message=predict_ms,
    )


def evaluate(
    train: Utterances,
    test: Utterances,
    *,
    oos_label: str | None = None,
    params: EngineParams | None = None,
    device: str = "cpu",
) -> IntentEvaluation:
    params = params or EngineParams()
    in_scope = train.without(oos_label)
    labels = sorted(set(in_scope.intents))
    if len(labels) < 2:
        raise EvaluationError(
            f"The training file has {len(labels)} intent(s) besides the out-of-scope label; at least two are needed."
        )
    oos_texts = train.only(oos_label) if oos_label is not None else []
    truth = [None if intent == oos_label else intent for intent in test.intents]

    started, cpu_started = time.monotonic(), time.process_time()
    engine = engine_fit(in_scope.texts, in_scope.intents, oos_texts=oos_texts, params=params, device=device)
    engine_seconds = time.monotonic() - started
    engine_cpu_seconds = time.process_time() - cpu_started

    measured = held_out_measure(
        engine=engine,
        train=(in_scope.texts, in_scope.intents),
        texts=test.texts,
        truth=truth,
        baseline_holdout_fraction=params.holdout_fraction,
        baseline_seed=params.seed,
    )
    if oos_label is None:
        engine_metrics = measured.engine.answering_all()
        baseline_metrics = measured.baseline.answering_all()
    else:
        engine_metrics = measured.engine.with_declines()
        baseline_metrics = measured.baseline.with_declines()
        if any(label is not None for label in truth):
            engine_metrics["in_scope_accuracy_all_answered"] = measured.engine.answering_all()["accuracy"]
            baseline_metrics["in_scope_accuracy_all_answered"] = measured.baseline.answering_all()["accuracy"]
    known = set(labels)
    return IntentEvaluation(
        engine=engine_metrics,
        baseline=baseline_metrics,
        engine_train_seconds=round(engine_seconds, 2),
        engine_train_cpu_seconds=round(engine_cpu_seconds, 2),
        baseline_train_seconds=round(measured.baseline_train_seconds, 2),
        engine_predict_ms_per_message=round(measured.engine_predict_ms_per_message, 3),
        train_rows=len(in_scope),
        train_oos_rows=len(oos_texts),
        test_rows=len(test),
        test_oos_rows=sum(label is None for label in truth),
        intents=len(labels),
        test_unknown_intent_rows=sum(label is not None and label not in known for label in truth),
        engine_facts={name: round(float(value), 4) for name, value in engine.facts.items()}
        | {"temperature": round(engine.temperature, 4), "oos_threshold": round(engine.threshold, 4)},
        engine_params=asdict(params) | {"oos_score": engine.score_name},
        oos_label=oos_label,
    )
