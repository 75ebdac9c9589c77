"""The pure recommendation engine: interaction matrices, splits, ALS, its artifact and its tuning."""

import numpy as np
import pytest
import scipy.sparse as sp
from implicit.nearest_neighbours import bm25_weight

from recommendations.ml import als, evaluation, split, tuning
from recommendations.ml.interactions import (
    CONFIDENCE_SCHEMES,
    ConfidenceTransform,
    UserEvents,
    confidence,
    event_weights,
    interactions_build,
    matrix_build,
)
from tests.recommendations.planted import taste_groups

DAY = 86_400.0
VIEW, WISHLIST, CART, PURCHASE = range(4)


def planted_split(seed: int = 0):
    """Taste-group interactions split 75/25 per user, as (train, test) Interactions."""
    users, items = taste_groups(seed=seed)
    held_out = split.random_per_user(users, test_fraction=0.25, seed=seed)
    train = interactions_build(user_ids=users[~held_out], item_ids=items[~held_out])
    test = interactions_build(user_ids=users[held_out], item_ids=items[held_out])
    return train, test


def test_als_finds_the_taste_groups_that_popularity_cannot_see():
    # given
    train, test = planted_split()
    training = matrix_build(train)

    # when
    model = als.fit(training, params=als.AlsParams())
    result = evaluation.holdout_evaluate(model, training, test, k=10)

    # then: popularity serves everyone the same mix of four tastes; ALS serves each user theirs
    assert result.users_evaluated == 240
    assert result.popularity["ndcg_at_10"] < 0.2
    assert result.engine["ndcg_at_10"] > 0.5
    assert result.engine["coverage"] > 4 * result.popularity["coverage"]


def test_recommendations_skip_the_users_own_items_and_pad_short_lists():
    # given: 3 items; user 0 has items 0 and 2, so only item 1 is left to recommend
    training = matrix_build(interactions_build(user_ids=[0, 0, 1], item_ids=[0, 2, 1]))
    model = als.fit(training, params=als.AlsParams(factors=2, iterations=3))

    # when
    top = model.recommend(np.array([0]), exclude=training.matrix[[0]], k=4)

    # then
    assert top.tolist() == [[1, -1, -1, -1]]


def test_top_k_ranks_by_dot_product():
    # given: one query, item scores 1, 3, 2, 0
    items = np.array([[1.0], [3.0], [2.0], [0.0]])

    # when
    top = als.top_k(np.ones((1, 1)), items, exclude=sp.csr_matrix((1, 4)), k=3)

    # then
    assert top.tolist() == [[1, 2, 0]]


@pytest.mark.parametrize("scheme", ["log", "bm25"])
def test_the_model_round_trips_through_its_npz_artifact(tmp_path, scheme):
    # given
    train, _ = planted_split()
    training = matrix_build(train)
    model = als.fit(training, params=als.AlsParams(factors=8, alpha=2.0, confidence=scheme))

    # when
    als.save(model, tmp_path)
    loaded = als.load(tmp_path)

    # then
    assert [path.name for path in tmp_path.iterdir()] == ["als.npz"]
    assert np.array_equal(loaded.user_factors, model.user_factors)
    assert np.array_equal(loaded.item_factors, model.item_factors)
    assert loaded.user_ids.tolist() == model.user_ids.tolist()
    assert loaded.item_ids.tolist() == model.item_ids.tolist()
    assert (loaded.params, loaded.device) == (model.params, "cpu")
    assert np.array_equal(
        loaded.confidence.apply(training.matrix).data, confidence(training.matrix, scheme=scheme).data
    )


def test_an_artifact_without_the_confidence_transform_of_its_scheme_is_refused(tmp_path):
    # given: a bm25 model's artifact without its transform, and one whose transform is of another scheme
    model = als.fit(matrix_build(planted_split()[0]), params=als.AlsParams(factors=2, iterations=1, confidence="bm25"))
    als.save(model, tmp_path)
    with np.load(tmp_path / "als.npz") as artifact:
        arrays = dict(artifact)
    older = {name: value for name, value in arrays.items() if not name.startswith("confidence_")}
    other = {**arrays, "confidence_scheme": np.array("log")}

    # when / then
    np.savez(tmp_path / "als.npz", **older)
    with pytest.raises(ValueError, match="lacks the array 'confidence_scheme'"):
        als.load(tmp_path)
    np.savez(tmp_path / "als.npz", **other)
    with pytest.raises(ValueError, match="confidence transform of another scheme"):
        als.load(tmp_path)


def test_string_ids_round_trip_without_pickling(tmp_path):
    # given
    training = matrix_build(interactions_build(user_ids=["ann", "bob"], item_ids=["tea", "mug"]))
    model = als.fit(training, params=als.AlsParams(factors=2, iterations=2))

    # when
    als.save(model, tmp_path)
    loaded = als.load(tmp_path)

    # then
    assert (loaded.user_ids.tolist(), loaded.item_ids.tolist()) == (["ann", "bob"], ["mug", "tea"])


def test_loading_refuses_pickled_objects_and_incomplete_files(tmp_path):
    # given
    np.savez(tmp_path / "als.npz", user_factors=np.array([{"evil": 1}], dtype=object))

    # when / then
    with pytest.raises(ValueError, match="allow_pickle=False"):
        als.load(tmp_path)
    np.savez(tmp_path / "als.npz", user_factors=np.zeros((1, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="lacks the array 'item_factors'"):
        als.load(tmp_path)


def test_the_baseline_knows_nobody():
    # when
    model = als.empty()

    # then
    assert (len(model.user_ids), len(model.item_ids)) == (0, 0)
    assert model.recommend(np.array([], dtype=np.int64), exclude=sp.csr_matrix((0, 0)), k=3).shape == (0, 3)


@pytest.mark.parametrize(
    "changes", [{"factors": 0}, {"iterations": 0}, {"regularization": -1.0}, {"alpha": 0.0}, {"confidence": "tfidf"}]
)
def test_bad_hyper_parameters_are_refused(changes):
    with pytest.raises(ValueError, match="ALS needs factors >= 1"):
        als.AlsParams(**changes)


def test_the_matrix_sums_repeated_pairs_and_drops_ids_outside_the_given_ones():
    # given
    log = interactions_build(user_ids=[7, 7, 3, 9], item_ids=[20, 20, 10, 10], weights=[1.0, 2.5, 4.0, 1.0])

    # when
    everyone = matrix_build(log)
    known = matrix_build(log, user_ids=np.array([3, 7]), item_ids=np.array([20]))

    # then
    assert (everyone.user_ids.tolist(), everyone.item_ids.tolist()) == ([3, 7, 9], [10, 20])
    assert everyone.matrix.toarray().tolist() == [[4.0, 0.0], [0.0, 3.5], [1.0, 0.0]]
    assert known.matrix.toarray().tolist() == [[0.0], [3.5]]


def test_event_weights_follow_the_kind_and_halve_every_half_life():
    # given
    kinds = np.array([PURCHASE, VIEW, CART, WISHLIST])
    times = 100 * DAY - np.array([0, 30, 60, 15]) * DAY

    # when
    weights = event_weights(
        kinds,
        times,
        kind_weights={"purchase": 5.0, "add_to_cart": 3.0, "wishlist_add": 2.0, "view": 1.0},
        half_life_days=30,
        end=100 * DAY,
    )

    # then
    assert weights.tolist() == pytest.approx([5.0, 0.5, 0.75, 2 * 0.5**0.5])


def test_user_events_weigh_and_split_by_time():
    # given
    events = UserEvents(
        user_ids=np.array([1, 1, 2]),
        product_ids=np.array([10, 11, 10]),
        kinds=np.array([VIEW, PURCHASE, CART], dtype=np.int8),
        times=np.array([0.0, 5 * DAY, 9 * DAY]),
        end=10 * DAY,
    )

    # when
    before, since = events.before(5 * DAY), events.since(5 * DAY)
    weighted = events.weighted(kind_weights={"view": 1.0, "purchase": 4.0}, half_life_days=5)

    # then
    assert (before.product_ids.tolist(), before.end) == ([10], 5 * DAY)
    assert (since.product_ids.tolist(), since.end) == ([11, 10], 10 * DAY)
    assert events.of_kinds(("purchase", "add_to_cart")).user_ids.tolist() == [1, 2]
    assert weighted.item_ids.tolist() == [10, 11]  # the cart has weight 0 here: left out
    assert weighted.weights.tolist() == pytest.approx([0.25, 2.0])


def test_confidence_schemes_scale_the_weights_to_mean_one():
    # given
    matrix = sp.csr_matrix(np.array([[1.0, 0.0, 3.0], [0.0, 8.0, 0.0]]))

    # when
    plain = confidence(matrix, scheme="none")
    logged = confidence(matrix, scheme="log")
    bm25 = confidence(matrix, scheme="bm25")

    # then
    assert plain.toarray().ravel().tolist() == pytest.approx([1 / 4, 0, 3 / 4, 0, 2, 0])
    expected = np.log1p(np.array([1, 3, 8]) / 4)
    assert logged.data.tolist() == pytest.approx((expected / expected.mean()).tolist())
    assert bm25.data.tolist() == pytest.approx([1.0, 1.0, 1.0])  # every item has 1 of 2 users: idf 0, floored
    with pytest.raises(ValueError, match="Unknown confidence scheme 'tfidf'"):
        confidence(matrix, scheme="tfidf")


def weighted_matrix() -> sp.csr_matrix:
    """Taste-group interactions of uneven weights (so uneven row sums), plus an item every user has."""
    users, items = taste_groups(users=60, items=40, groups=2, per_user=8, seed=3)
    everyone = np.unique(users)
    log = interactions_build(
        user_ids=np.concatenate([users, everyone]),
        item_ids=np.concatenate([items, np.full(len(everyone), 40)]),
        weights=np.concatenate([np.random.default_rng(3).gamma(2.0, 1.5, size=len(users)), np.ones(len(everyone))]),
    )
    return matrix_build(log).matrix


def test_the_schemes_are_the_plain_formulas_and_implicits_bm25_scaled_to_mean_one():
    # given
    matrix = weighted_matrix()
    weights = matrix.data

    # when
    plain, logged, bm25 = (confidence(matrix, scheme=scheme) for scheme in ("none", "log", "bm25"))

    # then: bit for bit what training computed before the transform was fitted separately
    assert np.array_equal(plain.data, weights / weights.mean())
    damped = np.log1p(weights / weights.mean())
    assert np.array_equal(logged.data, damped / damped.mean())
    implicits = sp.csr_matrix(bm25_weight(matrix, K1=100, B=0.8), dtype=np.float32).data
    assert (implicits <= 0).any()  # the item every user has: idf below 0, floored
    floored = np.where(implicits > 0, implicits, implicits[implicits > 0].min())
    assert np.array_equal(bm25.data, floored / floored.mean())


@pytest.mark.parametrize("scheme", CONFIDENCE_SCHEMES)
def test_a_training_row_transformed_alone_gets_exactly_its_values_in_the_training_matrix(scheme):
    # given: the confidences the engine learns from, and the transform fitted on the same matrix
    matrix = weighted_matrix()
    trained = confidence(matrix, scheme=scheme)
    transform = ConfidenceTransform.fit(matrix, scheme=scheme)

    # when: each user's row goes through the transform on its own, as a shopper's row does at fold-in
    rows = [transform.apply(matrix[[user]]) for user in range(matrix.shape[0])]

    # then: the same columns and float32 values, bit for bit (a row's own statistics would give others)
    for user, row in enumerate(rows):
        assert row.indices.tolist() == trained[user].indices.tolist()
        assert np.array_equal(row.data, trained[user].data)
    assert not np.array_equal(confidence(matrix[[0]], scheme=scheme).data, trained[0].data)


def test_the_random_split_holds_out_a_rounded_share_of_each_user_and_keeps_one():
    # given: users with 8, 4, 2 and 1 rows
    users = np.repeat([0, 1, 2, 3], [8, 4, 2, 1])

    # when
    held_out = split.random_per_user(users, test_fraction=0.25, seed=3)

    # then
    assert np.bincount(users[held_out], minlength=4).tolist() == [2, 1, 0, 0]
    assert np.array_equal(held_out, split.random_per_user(users, test_fraction=0.25, seed=3))
    assert not np.array_equal(held_out, split.random_per_user(users, test_fraction=0.25, seed=4))


def test_the_latest_split_holds_out_each_users_most_recent_rows():
    # given
    users = np.array([0, 1, 0, 0, 1, 0])
    times = np.array([4.0, 1.0, 2.0, 9.0, 7.0, 1.0])

    # when
    held_out = split.latest_per_user(users, times, test_fraction=0.5)

    # then: user 0's two latest (9, 4), user 1's latest (7)
    assert held_out.tolist() == [True, False, False, True, True, False]
    assert split.by_time(times, cut=4.0).tolist() == [True, False, False, True, True, False]


def test_a_share_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="test_fraction must be between 0 and 1"):
        split.random_per_user(np.zeros(3), test_fraction=1.0, seed=0)


def test_the_search_improves_on_its_start_within_its_budget():
    # given: a start that regularises far too much to learn anything
    train, _ = planted_split()
    training = matrix_build(train)
    held_out = split.random_per_user(train.user_ids, test_fraction=0.2, seed=1)
    fold = (
        matrix_build(train.subset(~held_out), user_ids=training.user_ids, item_ids=training.item_ids),
        matrix_build(train.subset(held_out), user_ids=training.user_ids, item_ids=training.item_ids).matrix,
    )
    start = als.AlsParams(factors=16, regularization=5000.0, alpha=1.0, iterations=5)

    # when
    result = tuning.search([fold], start=start, budget_seconds=2.0)
    cut_short = tuning.search([fold], start=start, budget_seconds=0.0)

    # then
    assert result.trials[0].params == start
    assert result.score > result.trials[0].score + 0.2
    assert result.best.regularization < 5000.0
    assert sum(trial.seconds for trial in result.trials[:-1]) < 2.0  # no trial starts after the budget
    assert [trial.params for trial in cut_short.trials] == [start]
    assert cut_short.best == start


def test_the_search_needs_a_held_out_user_with_a_new_item():
    # given: the held-out item is one the user already has
    training = matrix_build(interactions_build(user_ids=[0, 1], item_ids=[0, 1]))

    # when / then
    with pytest.raises(tuning.NothingToValidate):
        tuning.search([(training, training.matrix)], budget_seconds=1.0)


def trial_of(per_user: list[float]) -> tuning.Trial:
    scores = np.array(per_user)
    return tuning.Trial(params=als.AlsParams(), score=float(scores.mean()), seconds=0.0, per_user=scores)


def test_a_trial_wins_only_by_more_than_the_noise_of_its_per_user_differences():
    # given
    incumbent = trial_of([0.5, 0.5, 0.5, 0.5])
    steadily_better = trial_of([0.6, 0.6, 0.6, 0.6])
    better_on_average_by_luck = trial_of([0.9, 0.1, 0.5, 0.6])  # +0.025 on average, standard error 0.17
    as_good = trial_of([0.4, 0.6, 0.4, 0.6])

    # then
    assert steadily_better.beats(incumbent)
    assert not steadily_better.beats(incumbent, margin=0.25)  # needs more than 0.125 with that margin
    assert not better_on_average_by_luck.beats(incumbent)
    assert not as_good.beats(incumbent)


def test_popular_top_k_skips_each_users_own_items_and_breaks_ties_by_column():
    # given: popularity 1, 5, 5, 0, 3; user 0 has item 1, user 1 has items 1, 2 and 4
    popularity = np.array([1.0, 5.0, 5.0, 0.0, 3.0])
    exclude = sp.csr_matrix(np.array([[0, 1, 0, 0, 0], [0, 1, 1, 0, 1]], dtype=np.float32))

    # when
    top = evaluation.popular_top_k(popularity, exclude=exclude, k=3)

    # then
    assert top.tolist() == [[2, 4, 0], [0, 3, -1]]
