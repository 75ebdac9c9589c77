"""Pure parts of the intent engine with exact values: threshold tuning, metrics, file reading."""

import numpy as np
import pytest

from support.ml import oos
from support.ml.data import IntentFileError, utterances_read_csv
from support.ml.engine import stratified_split
from support.ml.metrics import intent_metrics


def test_threshold_loses_at_most_the_allowed_share_of_correct_answers():
    scores = np.array([0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 0.95])
    correct = np.array([False, True, True, True, True, True, True, True, True, True])

    # 10 rows, 10% may be lost: one correct row (0.20) may be declined, the wrong one (0.10) is free.
    assert oos.threshold_tune(scores=scores, correct=correct, max_loss=0.1) == 0.30
    assert oos.threshold_tune(scores=scores, correct=correct, max_loss=0.0) == 0.20
    assert oos.recall_at(0.30, np.array([0.05, 0.25, 0.31, 0.9])) == 0.5


def test_combined_score_standardises_both_parts():
    scale = oos.ScoreScale.fit(np.array([0.5, 0.7, 0.9]), np.array([0.2, 0.4, 0.6]))
    combined = scale.score("combined", np.array([0.7]), np.array([0.4]))
    assert combined.tolist() == [pytest.approx(0.0, abs=1e-12)]
    with pytest.raises(ValueError, match="Unknown out-of-scope score 'nope'"):
        scale.score("nope", np.array([0.7]), np.array([0.4]))


def test_metrics_count_declined_rows_as_out_of_scope():
    truth = ["a", "a", "b", None, None]
    predicted = ["a", None, "b", None, "b"]

    metrics = intent_metrics(truth=truth, predicted=predicted, with_oos=True)

    assert metrics["accuracy"] == 0.6
    assert metrics["in_scope_accuracy"] == pytest.approx(2 / 3)
    assert metrics["oos_recall"] == 0.5


def test_stratified_split_holds_out_part_of_each_label_with_three_or_more_rows():
    labels = np.array([0] * 10 + [1] * 3 + [2] * 2)
    fit, held = stratified_split(labels, fraction=0.2, seed=0)

    assert sorted(labels[held].tolist()) == [0, 0, 1]
    assert len(fit) + len(held) == 15
    assert not set(fit) & set(held)


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
