"""risk.ml.evaluation: ranking metrics and the threshold table on cases worked out by hand."""

import pytest

from risk.ml.evaluation import ranking_metrics, threshold_table

# Two frauds, two good orders: one good order (0.4) outranks one fraud (0.35).
LABELS = [0, 0, 1, 1]
SCORES = [0.1, 0.4, 0.35, 0.8]


def test_ranking_metrics_on_a_hand_computed_case():
    metrics = ranking_metrics(LABELS, SCORES)

    assert metrics["roc_auc"] == pytest.approx(0.75)  # 3 of the 4 (fraud, good) pairs in order
    assert metrics["pr_auc"] == pytest.approx((1 / 1 + 2 / 3) / 2)  # precision at each fraud, averaged
    assert metrics["recall_at_1pct_fpr"] == 0.5  # no good order flagged: only the 0.8 fraud is caught
    assert metrics["recall_at_5pct_fpr"] == 0.5


def test_recall_at_a_false_positive_rate_counts_the_good_orders_flagged():
    labels = [0] * 100 + [1] * 10
    scores = [0.0] * 95 + [0.5] * 5 + [0.9] * 4 + [0.2] * 6  # 5 good orders above 6 of the frauds

    metrics = ranking_metrics(labels, scores)

    assert metrics["recall_at_1pct_fpr"] == 0.4
    assert metrics["recall_at_5pct_fpr"] == 1.0  # flagging the five 0.5s too catches every fraud
    assert metrics["roc_auc"] == pytest.approx((4 * 100 + 6 * 95) / 1000)


def test_threshold_table_gives_precision_recall_and_load():
    rows = threshold_table(LABELS, SCORES, [0.3, 0.5, 0.9])

    assert rows == [
        {"threshold": 0.3, "precision": pytest.approx(2 / 3), "recall": 1.0, "flagged_share": 0.75},
        {"threshold": 0.5, "precision": 1.0, "recall": 0.5, "flagged_share": 0.25},
        {"threshold": 0.9, "precision": 1.0, "recall": 0.0, "flagged_share": 0.0},  # nothing flagged
    ]
