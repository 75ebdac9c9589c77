"""The pure popularity model: exact scores, planted structure, and its native artifact."""

import numpy as np
import pytest

from recommendations.ml import popularity
from recommendations.ml.popularity import Events

DAY = 86_400.0
WEIGHTS = {"purchase": 5.0, "add_to_cart": 3.0, "wishlist_add": 2.0, "view": 1.0}
VIEW, WISHLIST, CART, PURCHASE = range(4)


def events(rows: list[tuple[int, int, float]], end: float) -> Events:
    """Events from (product id, kind code, days before `end`) rows."""
    product_ids, kinds, ages = zip(*rows, strict=True) if rows else ((), (), ())
    return Events(
        product_ids=np.array(product_ids, dtype=np.int64),
        kinds=np.array(kinds, dtype=np.int8),
        times=end - np.array(ages, dtype=np.float64) * DAY,
        end=end,
    )


def test_scores_are_kind_weighted_and_halve_every_half_life():
    # given
    log = events([(1, PURCHASE, 0), (2, VIEW, 14), (3, CART, 28), (3, VIEW, 0), (4, WISHLIST, 7)], end=100 * DAY)

    # when
    model = popularity.fit(log, kind_weights=WEIGHTS, half_life_days=14)

    # then: 5; 1 * 0.5; 3 * 0.25 + 1; 2 * 0.5 ** 0.5
    assert model.product_ids.tolist() == [1, 3, 4, 2]
    assert model.scores.tolist() == pytest.approx([5.0, 1.75, 2 * 0.5**0.5, 0.5])
    assert model.top(2) == [1, 3]
    assert model.top(2, exclude={1}) == [3, 4]
    assert model.score([2, 99]).tolist() == [0.5, 0.0]


def test_ties_rank_the_lower_product_id_first_and_zero_weights_drop_products():
    # given
    log = events([(9, VIEW, 0), (5, VIEW, 0), (7, WISHLIST, 0)], end=10 * DAY)

    # when
    model = popularity.fit(log, kind_weights={"view": 1.0, "wishlist_add": 0.0}, half_life_days=7)

    # then
    assert model.product_ids.tolist() == [5, 9]


@pytest.mark.parametrize(("weights", "half_life"), [({"view": -1.0}, 14), ({"click": 1.0}, 14), (WEIGHTS, 0)])
def test_bad_parameters_are_refused(weights, half_life):
    with pytest.raises(ValueError, match="kind_weights must map"):
        popularity.fit(events([], end=0.0), kind_weights=weights, half_life_days=half_life)


def planted_log(seed: int = 7) -> Events:
    """90 days of a shop where yesterday's bestsellers fade and rising products take over.

    Products 0-9 sold a lot 60-90 days ago and are barely touched since; products 10-19 are
    viewed, wished for and carted more and more in the last three weeks; 20-49 are background
    noise. In the last 7 days (the holdout) purchases go mostly to the rising products.
    """
    rng = np.random.default_rng(seed)
    end = 90 * DAY
    rows = []
    for product in range(10):  # old hits
        rows += [(product, PURCHASE, rng.uniform(60, 90)) for _ in range(12)]
        rows += [(product, VIEW, rng.uniform(60, 90)) for _ in range(20)]
    for product in range(10, 20):  # rising: lots of recent interest, few purchases before the holdout
        rows += [(product, VIEW, rng.uniform(7, 21)) for _ in range(25)]
        rows += [(product, CART, rng.uniform(7, 21)) for _ in range(6)]
        rows += [(product, WISHLIST, rng.uniform(7, 21)) for _ in range(4)]
        rows += [(product, PURCHASE, rng.uniform(7, 21)) for _ in range(2)]
        rows += [(product, PURCHASE, rng.uniform(0, 7)) for _ in range(5)]  # holdout purchases
    for _ in range(300):  # background
        rows.append((int(rng.integers(20, 50)), int(rng.choice([VIEW, VIEW, VIEW, CART])), rng.uniform(0, 90)))
    rows += [(int(rng.integers(20, 50)), PURCHASE, rng.uniform(0, 7)) for _ in range(10)]
    return events(rows, end=end)


def test_decayed_popularity_beats_purchase_counts_and_chance_on_planted_trends():
    # given
    log = planted_log()
    cut = log.end - 7 * DAY
    train, holdout = log.before(cut), log.since(cut)
    purchases = holdout.purchases()

    # when
    model = popularity.fit(train, kind_weights=WEIGHTS, half_life_days=14)
    recall = popularity.recall_at_k(model, purchases, 10)
    counts_recall = popularity.recall_at_k(popularity.purchase_counts(train), purchases, 10)
    rng = np.random.default_rng(1)
    chance = np.mean(
        [np.isin(purchases, rng.choice(np.unique(train.product_ids), 10, replace=False)).mean() for _ in range(200)]
    )

    # then
    assert len(purchases) == 60
    assert sorted(model.top(10)) == list(range(10, 20))
    assert recall == pytest.approx(50 / 60)
    assert counts_recall == 0.0  # plain counts still rank the faded hits first
    assert chance < 0.3


def test_recall_of_an_empty_holdout_is_zero():
    assert popularity.recall_at_k(popularity.empty(), np.array([], dtype=np.int64), 10) == 0.0


def test_the_model_round_trips_through_its_npz_artifact(tmp_path):
    # given
    model = popularity.fit(planted_log(), kind_weights=WEIGHTS, half_life_days=14)

    # when
    popularity.save(model, tmp_path)
    loaded = popularity.load(tmp_path)

    # then
    assert [path.name for path in tmp_path.iterdir()] == ["popularity.npz"]
    assert loaded.product_ids.tolist() == model.product_ids.tolist()
    assert loaded.scores.tolist() == model.scores.tolist()


def test_loading_refuses_pickled_objects(tmp_path):
    # given: an artifact whose arrays are Python objects (loading them would unpickle)
    np.savez(tmp_path / "popularity.npz", product_ids=np.array([{"evil": 1}], dtype=object), scores=np.ones(1))

    # when / then
    with pytest.raises(ValueError, match="allow_pickle=False"):
        popularity.load(tmp_path)
