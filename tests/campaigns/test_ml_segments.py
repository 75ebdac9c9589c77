"""`campaigns.ml.segments.segment_customers`: planted customer groups are found and described in words."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from campaigns.ml.segments import segment_customers

WORDS = {
    "recency_days": ("lapsing", "recently active"),
    "orders": ("frequent", "rare buyers"),
    "log_spend": ("high value", "low value"),
    "discount_share": ("deal seekers", "pays full price"),
}
FEATURES = ["recency_days", "orders", "log_spend", "discount_share", "factor_1", "factor_2"]


def planted(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Three groups: 200 loyal big spenders, 500 lapsed occasional buyers, 300 recent deal seekers."""
    rng = np.random.default_rng(seed)
    groups = [  # size, recency_days, orders, log_spend, discount_share
        (200, 10, 12, 7.0, 0.1),
        (500, 200, 2, 4.5, 0.2),
        (300, 20, 4, 5.0, 0.8),
    ]
    parts = []
    for group, (size, recency, orders, log_spend, discount) in enumerate(groups):
        parts.append(
            pd.DataFrame(
                {
                    "recency_days": rng.normal(recency, 8, size),
                    "orders": rng.normal(orders, 1, size),
                    "log_spend": rng.normal(log_spend, 0.3, size),
                    "discount_share": rng.normal(discount, 0.05, size),
                    "factor_1": rng.normal(0, 0.2, size),  # embedding columns: noise shared by all groups
                    "factor_2": rng.normal(0, 0.2, size),
                    "group": group,
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["revenue"] = np.exp(frame["log_spend"])
    return frame.drop(columns="group"), frame["group"].to_numpy()


def test_the_planted_groups_are_recovered_with_k_chosen_by_silhouette():
    frame, truth = planted()

    result = segment_customers(frame, feature_columns=FEATURES, revenue_column="revenue", seed=0)

    assert result.k == 3
    assert max(result.scores, key=result.scores.get) == 3
    assert set(result.scores) == set(range(2, 9))
    assert result.criterion.startswith("best silhouette over k = 2..8")
    assert adjusted_rand_score(truth, result.assignments) > 0.95


def test_each_segment_is_described_from_its_centroid_with_its_size_and_revenue_share():
    frame, truth = planted()

    result = segment_customers(
        frame,
        feature_columns=FEATURES,
        revenue_column="revenue",
        label_columns=list(WORDS),
        words=WORDS,
    )

    by_size = {segment.size: segment for segment in result.segments}
    assert sorted(by_size) == [200, 300, 500]
    loyal, lapsed, deals = by_size[200], by_size[500], by_size[300]
    assert "high value" in loyal.description
    assert "frequent" in loyal.description
    assert lapsed.description.startswith("lapsing")
    assert "deal seekers" in deals.description
    assert "factor" not in " ".join(segment.description for segment in result.segments)
    assert loyal.share == 0.2
    revenue = frame["revenue"].to_numpy()
    assert loyal.revenue_share == pytest.approx(revenue[truth == 0].sum() / revenue.sum())
    assert sum(segment.revenue_share for segment in result.segments) == pytest.approx(1.0)
    assert loyal.centroid["orders"] == pytest.approx(12, abs=0.3)


def test_without_words_a_trait_is_named_by_its_column_and_a_given_k_is_kept():
    frame, _ = planted()

    result = segment_customers(frame, feature_columns=["orders", "discount_share"], revenue_column="revenue", k=2)

    assert result.k == 2
    assert result.scores == {}
    assert result.criterion == "k given"
    descriptions = " | ".join(segment.description for segment in result.segments)
    assert "high orders" in descriptions or "high discount_share" in descriptions


def test_missing_or_text_columns_or_an_impossible_k_are_refused():
    frame, _ = planted()
    with pytest.raises(ValueError, match="Missing column"):
        segment_customers(frame, feature_columns=["orders", "tenure"], revenue_column="revenue")
    with pytest.raises(ValueError, match="channel must be numeric"):
        segment_customers(frame.assign(channel="web"), feature_columns=["orders", "channel"], revenue_column="revenue")
    with pytest.raises(ValueError, match="2 <= k"):
        segment_customers(frame.head(5), feature_columns=["orders"], revenue_column="revenue", k=5)
