"""Ranking metrics on hand-computed cases."""

import math

import numpy as np
import pytest
import scipy.sparse as sp

from recommendations.ml.metrics import heldout_users, ranking_metrics


def relevance(rows: list[list[int]], n_items: int) -> sp.csr_matrix:
    """A users x items matrix with a 1 at each user's relevant items."""
    users = [user for user, items in enumerate(rows) for _ in items]
    items = [item for row in rows for item in row]
    return sp.csr_matrix((np.ones(len(items)), (users, items)), shape=(len(rows), n_items))


def test_metrics_match_a_hand_computed_ranking():
    # given: user 0 finds 2 of 3 relevant items at ranks 1 and 3; user 1's short list finds nothing
    top = np.array([[1, 5, 2], [4, -1, -1]])
    relevant = relevance([[1, 2, 9], [3]], n_items=10)

    # when
    metrics = ranking_metrics(top, relevant, k=3, n_items=10)

    # then
    dcg = 1 + 1 / math.log2(4)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics == pytest.approx(
        {
            "precision_at_3": (2 / 3 + 0) / 2,
            "recall_at_3": (2 / 3 + 0) / 2,
            "ndcg_at_3": (dcg / ideal + 0) / 2,
            "map_at_3": ((1 / 1 + 2 / 3) / 3 + 0) / 2,
            "hit_rate_at_3": 0.5,
            "coverage": 4 / 10,  # items 1, 5, 2 and 4
        }
    )


def test_a_perfect_ranking_of_fewer_relevant_items_than_k_scores_one_except_precision():
    # given
    top = np.array([[7, 3, 0, 1]])
    relevant = relevance([[3, 7]], n_items=8)

    # when
    metrics = ranking_metrics(top, relevant, k=4, n_items=8)

    # then
    assert metrics == pytest.approx(
        {
            "precision_at_4": 0.5,
            "recall_at_4": 1.0,
            "ndcg_at_4": 1.0,
            "map_at_4": 1.0,
            "hit_rate_at_4": 1.0,
            "coverage": 0.5,
        }
    )


def test_padding_never_counts_as_a_hit():
    # given: user 1's padding (-1) would point at user 0's relevant last item if it were looked up
    top = np.array([[0, 1], [-1, -1]])
    relevant = relevance([[4], [2]], n_items=5)

    # when
    metrics = ranking_metrics(top, relevant, k=2, n_items=5)

    # then
    assert metrics["hit_rate_at_2"] == 0.0
    assert metrics["coverage"] == 2 / 5


def test_map_divides_by_the_relevant_items_the_list_could_hold():
    # given: 12 relevant items, the one hit at rank 2 of 10
    top = np.array([[99, 0, 98, 97, 96, 95, 94, 93, 92, 91]])
    relevant = relevance([list(range(12))], n_items=100)

    # when
    metrics = ranking_metrics(top, relevant, k=10, n_items=100)

    # then
    assert metrics["map_at_10"] == pytest.approx((1 / 2) / 10)
    assert metrics["recall_at_10"] == pytest.approx(1 / 12)


@pytest.mark.parametrize(
    ("top", "rows", "message"),
    [
        (np.array([[0, 1]]), [[]], "at least one relevant item"),
        (np.array([[0, 1, 2]]), [[1]], "k=2 columns"),
        (np.array([[0, 1], [1, 0]]), [[1]], "one row per user"),
    ],
)
def test_bad_input_is_refused(top, rows, message):
    with pytest.raises(ValueError, match=message):
        ranking_metrics(top, relevance(rows, n_items=3), k=2, n_items=3)


def test_heldout_users_drop_items_already_seen_and_users_left_without_any():
    # given: user 0 re-watches item 1 and finds item 2; user 1 only re-watches; user 2 holds nothing out
    train = relevance([[0, 1], [3], [4]], n_items=5)
    heldout = relevance([[1, 2], [3], []], n_items=5)

    # when
    rows, relevant = heldout_users(train, heldout)

    # then
    assert rows.tolist() == [0]
    assert relevant.toarray().tolist() == [[0, 0, 1, 0, 0]]
