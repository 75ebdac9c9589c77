"""Train the engine and the TF-IDF baseline on one labelled file and measure both on another.

The protocol behind `manage.py evaluate_intents` and `bench/support_bitext.py`:
- rows labelled `oos_label` in the training file are never an intent: they only help choose the
  engine's out-of-scope score (engine.engine_fit); both thresholds are tuned on a held-out split
  of the training file's in-scope rows alone.
- on the test file, without `oos_label`: accuracy and macro-F1 of the top intent (nothing declined);
  with it: accuracy and macro-F1 over all rows (declined = out of scope), in-scope accuracy
  (declined counts as wrong), out-of-scope recall, and the in-scope accuracy before declining.
"""

import time
from dataclasses import asdict, dataclass

import numpy as np

from support.ml import baseline as tfidf
from support.ml.data import Utterances
from support.ml.engine import EngineParams, engine_fit, stratified_split
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

    started = time.monotonic()
    ids = np.array([labels.index(intent) for intent in in_scope.intents])
    fit_rows, held_rows = stratified_split(ids, fraction=params.holdout_fraction, seed=params.seed)
    pick = lambda rows: ([in_scope.texts[i] for i in rows], [in_scope.intents[i] for i in rows])  # noqa: E731
    baseline = tfidf.baseline_fit_with_threshold(
        fit=pick(fit_rows),
        held_out=pick(held_rows),
        full=(in_scope.texts, in_scope.intents),
        max_loss=params.max_in_scope_loss,
        seed=params.seed,
    )
    baseline_seconds = time.monotonic() - started

    detect = oos_label is not None
    started = time.monotonic()
    predictions = engine.predict(test.texts, detect_oos=detect)
    predict_ms = 1000 * (time.monotonic() - started) / len(test.texts)
    engine_metrics = intent_metrics(truth=truth, predicted=[p.intent for p in predictions], with_oos=detect)
    baseline_predicted = baseline.predict(test.texts, detect_oos=detect)
    baseline_metrics = intent_metrics(truth=truth, predicted=baseline_predicted, with_oos=detect)
    if detect:
        in_rows = [i for i, label in enumerate(truth) if label is not None]
        if in_rows:
            engine_metrics["in_scope_accuracy_all_answered"] = float(
                np.mean([predictions[i].best_intent == truth[i] for i in in_rows])
            )
            plain = baseline.predict([test.texts[i] for i in in_rows])
            baseline_metrics["in_scope_accuracy_all_answered"] = float(
                np.mean([label == truth[i] for label, i in zip(plain, in_rows, strict=True)])
            )
    known = set(labels)
    return IntentEvaluation(
        engine=engine_metrics,
        baseline=baseline_metrics,
        engine_train_seconds=round(engine_seconds, 2),
        engine_train_cpu_seconds=round(engine_cpu_seconds, 2),
        baseline_train_seconds=round(baseline_seconds, 2),
        engine_predict_ms_per_message=round(predict_ms, 3),
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
