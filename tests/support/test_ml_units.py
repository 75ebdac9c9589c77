"""Pure parts of the intent engine with exact values: threshold tuning, metrics, file reading.

Its stratified splits are ml.text.splits (tests/ml/test_text_splits.py)."""

import numpy as np
import pytest

from support.ml import oos
from support.ml.data import IntentFileError, utterances_read_csv
from support.ml.evaluation import Answers
from support.ml.metrics import intent_metrics


def test_threshold_loses_at_most_the_allowed_share_of_correct_answers():
    scores = np.array([0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 0.95])
    correct = np.array([False, True, True, True, True, True, True, True, True, True])

    # 10 rows, 10% may be lost: one correct row (0.20) may be declined, the wrong one (0.10) is free.
    assert oos.threshold_tune(scores=scores, correct=correct, max_loss=0.1) == 0.30
    assert oos.threshold_tune(scores=scores, correct=correct, max_loss=0.0) == 0.20
    assert oos.recall_at(0.30, np.array([0.05, 0.25, 0.31, 0.9])) == 0.5


def test_combined_scores_standardise_their_signals_and_single_scores_stay_raw():
    signals = {
        "probability": np.array([0.5, 0.7, 0.9]),
        "logit": np.array([2.0, 4.0, 6.0]),
        "similarity": np.array([0.2, 0.4, 0.6]),
    }
    scale = oos.ScoreScale.fit(signals)
    message = {"probability": np.array([0.9]), "logit": np.array([2.0]), "similarity": np.array([0.6])}

    std = np.std([2.0, 4.0, 6.0])  # the logits' spread; the similarities' is std / 10
    assert scale.score("logit", message).tolist() == [2.0]
    assert scale.score("similarity", message).tolist() == [0.6]
    assert scale.score("combined", message).tolist() == [pytest.approx(0.5 * 0.2 / (std / 10) * 2)]
    # 0.75 * (2 - 4) / std + 0.25 * (0.6 - 0.4) / (std / 10)
    assert scale.score("logit+similarity@0.75", message).tolist() == [pytest.approx((-1.5 + 0.5) / std)]
    with pytest.raises(ValueError, match="Unknown out-of-scope score 'nope'"):
        scale.score("nope", message)


def test_scales_saved_before_the_logit_signal_still_load_and_score():
    old = oos.ScoreScale(probability_mean=0.5, probability_std=0.1, similarity_mean=0.4, similarity_std=0.2)
    message = {"probability": np.array([0.6]), "logit": np.array([9.0]), "similarity": np.array([0.6])}
    assert old.score("combined", message).tolist() == [pytest.approx(0.5 * 1.0 + 0.5 * 1.0)]


def test_answers_give_the_answering_all_and_the_with_declines_figures_of_one_pass():
    answers = Answers(truth=["a", "a", "b", None], top=["a", "b", "b", "a"], kept=["a", None, "b", None])

    # Answering all: the in-scope rows' top intents (2 of 3 right), the out-of-scope row left out.
    assert answers.answering_all()["accuracy"] == pytest.approx(2 / 3)
    with_declines = answers.with_declines()
    assert with_declines["accuracy"] == 0.75
    assert with_declines["in_scope_accuracy"] == pytest.approx(2 / 3)
    assert with_declines["oos_recall"] == 1.0


def test_metrics_count_declined_rows_as_out_of_scope():
    truth = ["a", "a", "b", None, None]
    predicted = ["a", None, "b", None, "b"]

    metrics = intent_metrics(truth=truth, predicted=predicted, with_oos=True)

    assert metrics["accuracy"] == 0.6
    assert metrics["in_scope_accuracy"] == pytest.approx(2 / 3)
    assert metrics["oos_recall"] == 0.5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("words,label\nhi,greet\n", "line 1: the header has no text or intent column"),
        ("text,intent\nhi,greet\n,greet\n", "line 3: the text is empty"),
        ("text,intent\nhi,\n", "line 2: the intent is empty"),
        ("text,intent\nhi\n", "line 2: expected 2 columns, found 1"),
        ("text,intent\n", "no rows under the header"),
    ],
)
def test_bad_files_are_reported_with_the_line(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(IntentFileError, match=message):
        utterances_read_csv(path)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(IntentFileError, match="cannot open the file"):
        utterances_read_csv(tmp_path / "nope.csv")
