"""The pure list builders behind publishing and fold-in (recommendations.ml.lists)."""

import numpy as np
import scipy.sparse as sp

from recommendations.ml import als, interactions, lists


def test_contributions_add_up_to_the_folded_in_score():
    # given: random item factors and a user with three items of different confidence
    rng = np.random.default_rng(0)
    factors = rng.normal(size=(20, 5)).astype(np.float32)
    gram = factors.T.astype(np.float64) @ factors
    rows, confidences = np.array([2, 7, 11]), np.array([3.0, 1.5, 6.0])

    # when
    vector, matrix = lists.user_solve(factors, gram, rows, confidences, regularization=0.5)
    share = lists.contributions(factors, rows, confidences, matrix, np.arange(20))

    # then: ALS's score of every item is the sum of the user's items' contributions
    np.testing.assert_allclose(share.sum(axis=0), factors @ vector, rtol=1e-6, atol=1e-9)
    assert share.shape == (3, 20)


def test_the_reason_is_the_users_item_most_like_the_candidate():
    # given: two clusters of items; the user has one item of each
    factors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    gram = factors.T.astype(np.float64) @ factors
    rows, confidences = np.array([0, 2]), np.array([2.0, 2.0])
    _vector, matrix = lists.user_solve(factors, gram, rows, confidences, regularization=0.1)

    # when
    reasons = lists.reasons_for(factors, rows, confidences, matrix, np.array([1, 3, -1]))

    # then
    assert reasons.tolist() == [0, 2, -1]


def test_fold_in_never_returns_the_users_own_items():
    # given
    rng = np.random.default_rng(1)
    model = als.AlsModel(
        user_factors=np.zeros((0, 4), dtype=np.float32),
        item_factors=rng.normal(size=(10, 4)).astype(np.float32),
        user_ids=np.empty(0, dtype=np.int64),
        item_ids=np.arange(100, 110),
        params=als.AlsParams(factors=4),
        device="cpu",
        confidence=interactions.ConfidenceTransform(scheme="none"),
    )

    # when
    ranked = lists.fold_in(model, np.array([1, 4]), np.array([3.0, 3.0]), k=10, exclude=np.array([1, 4]))

    # then
    assert sorted(ranked.items[:8].tolist()) == [0, 2, 3, 5, 6, 7, 8, 9]
    assert ranked.items[8:].tolist() == [-1, -1]
    assert set(ranked.reasons[:8].tolist()) <= {1, 4}


def test_co_purchases_count_baskets_not_lines():
    # given: basket 1 holds items 0, 1, 2 (item 0 twice); basket 2 holds 0 and 1; basket 3 holds 2 alone
    baskets = np.array([1, 1, 1, 1, 2, 2, 3])
    items = np.array([0, 0, 1, 2, 0, 1, 2])

    # when
    together = lists.co_purchases(baskets, items, item_count=4, k=3)

    # then
    assert together.items.tolist() == [[1, 2, -1], [0, 2, -1], [0, 1, -1], [-1, -1, -1]]
    assert together.reasons.tolist() == [[2, 1, 0], [2, 1, 0], [1, 1, 0], [0, 0, 0]]


def test_cold_items_get_their_categorys_products_same_brand_first_then_popular():
    # given: items 0-4 in category 7, item 5 in category 8
    categories = np.array([7, 7, 7, 7, 7, 8])
    brands = np.array([1, 2, 1, 2, 2, 1])
    popularity = np.array([0, 50, 10, 5, 40, 99])

    # when
    neighbours = lists.catalog_neighbours(categories, brands, popularity, np.array([0, 5]), k=4)

    # then
    assert neighbours.tolist() == [[2, 1, 4, 3], [-1, -1, -1, -1]]


def test_a_warm_started_refit_keeps_what_the_first_fit_learned():
    # given: a fitted model and the same data plus one new user
    rng = np.random.default_rng(3)
    users, items = rng.integers(0, 30, 400), rng.integers(0, 40, 400)
    first = interactions.matrix_build(interactions.interactions_build(user_ids=users, item_ids=items))
    params = als.AlsParams(factors=6, regularization=1.0, iterations=10)
    fitted = als.fit(first, params=params)
    more = interactions.matrix_build(
        interactions.interactions_build(user_ids=np.append(users, 99), item_ids=np.append(items, 3))
    )

    # when
    refit = als.fit(more, params=params, warm_start=fitted, iterations=1)

    # then: one iteration from the fitted vectors stays close to them
    cosine = np.sum(refit.item_factors * fitted.item_factors, axis=1) / (
        np.linalg.norm(refit.item_factors, axis=1) * np.linalg.norm(fitted.item_factors, axis=1)
    )
    assert cosine.min() > 0.9
    assert refit.user_ids.tolist() == [*range(30), 99]


def test_batched_reasons_match_the_reasons_of_each_user_alone():
    # given: 40 users with histories of 0 to 9 items, batched a few users at a time
    rng = np.random.default_rng(3)
    factors = rng.normal(size=(30, 6)).astype(np.float32)
    dense = np.zeros((40, 30), dtype=np.float32)
    for user in range(40):
        dense[user, rng.choice(30, size=user % 10, replace=False)] = rng.uniform(1, 5, size=user % 10)
    confidences = sp.csr_matrix(dense)
    users = rng.permutation(40)[:35]
    candidates = rng.integers(-1, 30, size=(35, 5))
    gram = factors.T.astype(np.float64) @ factors

    # when
    batched = lists.reasons_batched(
        factors, confidences, users=users, candidates=candidates, regularization=0.7, cells=20
    )

    # then
    for position, user in enumerate(users.tolist()):
        low, high = confidences.indptr[user], confidences.indptr[user + 1]
        rows, weights = confidences.indices[low:high], confidences.data[low:high].astype(np.float64)
        if high == low:
            assert batched[position].tolist() == [-1] * 5
            continue
        _vector, matrix = lists.user_solve(factors, gram, rows, weights, 0.7)
        alone = lists.reasons_for(factors, rows, weights, matrix, candidates[position])
        assert batched[position].tolist() == alone.tolist()


def test_user_top_n_skips_products_that_cannot_be_sold():
    # given: item scores 4, 3, 2, 1 for the one user; item 0 is theirs, item 1 cannot be sold
    model = als.AlsModel(
        user_factors=np.ones((1, 1), dtype=np.float32),
        item_factors=np.array([[4.0], [3.0], [2.0], [1.0]], dtype=np.float32),
        user_ids=np.array([7]),
        item_ids=np.arange(100, 104),
        params=als.AlsParams(factors=1),
        device="cpu",
        confidence=interactions.ConfidenceTransform(scheme="none"),
    )
    confidences = sp.csr_matrix(np.array([[2.0, 0, 0, 0]], dtype=np.float32))

    # when
    ranked = lists.user_top_n(model, confidences, k=3, skip_items=np.array([1]))

    # then
    assert ranked.items.tolist() == [[2, 3, -1]]
    assert ranked.reasons.tolist() == [[0, 0, -1]]
