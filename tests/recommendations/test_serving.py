"""Serving the published lists: filters, fold-in of new events, the cold-start chain, the swap."""

import numpy as np
import pytest
from django.utils import timezone

from events.models import Interaction
from ml.models import ModelVersion
from ml.services import model_version_promote
from recommendations import inference, selectors
from recommendations.ml import als, interactions, lists
from recommendations.models import RecommendationList
from tests.factories import UserFactory
from tests.recommendations.store import PER_GROUP, event, planted_store, train

pytestmark = pytest.mark.django_db


def test_products_the_user_bought_are_never_recommended_to_them(store):
    # given: the store's trending product bought after training (non-consumable)
    user = UserFactory()
    top = inference.trending_products(limit=1).items[0].product
    Interaction.objects.create(kind="purchase", user=user, product=top, created_at=timezone.now())

    # when
    trending = inference.trending_products(user=user, limit=10)
    for_you = inference.recommendations_for_user(user=user, limit=10)

    # then
    assert top.pk not in [item.product.pk for item in trending.items]
    assert top.pk not in [item.product.pk for item in for_you.items]
    assert len(trending.items) == 10


def test_a_consumable_comes_back_after_its_rebuy_days(store, settings):
    # given: the Kitchen category is consumable with a 30-day re-buy; two buyers of its top product
    settings.RECOMMENDATIONS_CONSUMABLES = {store.categories[0].slug: 30}
    kitchen = store.categories[0]
    top = inference.trending_products(limit=1, category=kitchen).items[0].product
    recent, long_ago = UserFactory(), UserFactory()
    Interaction.objects.bulk_create(
        [
            event("purchase", recent, top, days_ago=5),
            event("purchase", long_ago, top, days_ago=40),
        ]
    )

    # when
    recent_list = inference.trending_products(user=recent, limit=5, category=kitchen)
    long_ago_list = inference.trending_products(user=long_ago, limit=5, category=kitchen)

    # then
    assert top.pk not in [item.product.pk for item in recent_list.items]
    assert long_ago_list.items[0].product.pk == top.pk


def test_out_of_stock_and_inactive_products_are_left_out(store):
    # given
    first, second = (item.product for item in inference.trending_products(limit=2).items)
    first.__class__.objects.filter(pk=first.pk).update(in_stock=False)
    second.__class__.objects.filter(pk=second.pk).update(is_active=False)

    # when
    shown = [item.product.pk for item in inference.trending_products(limit=45).items]

    # then
    assert first.pk not in shown
    assert second.pk not in shown


def test_a_category_filter_keeps_only_that_categorys_products(store):
    # given
    garden = store.categories[1]

    # when
    block = inference.recommendations_for_user(user=store.users[0], limit=6, category=garden)

    # then
    assert len(block.items) == 6
    assert {item.product.category_id for item in block.items} == {garden.pk}


def test_at_most_three_products_of_one_brand_in_a_block(store):
    # when: the 45 products share 5 brands
    block = inference.trending_products(limit=12)

    # then
    brands = [item.product.brand_id for item in block.items]
    assert len(brands) == 12
    assert max(brands.count(brand) for brand in set(brands)) == 3


def test_an_anonymous_shopper_gets_products_like_those_viewed_in_this_session(store):
    # given: a browser session that viewed a Garden product
    viewed = store.products[PER_GROUP + 2]

    # when
    block = inference.recommendations_for_user(viewed=(viewed.pk,), limit=4)

    # then
    assert not block.personalised
    assert block.model_version_id == store.version_id
    assert [item.reason for item in block.items] == [f"Because you viewed {viewed.name}"] * 4
    similar, _ = selectors.published_list(
        version_id=store.version_id, kind=RecommendationList.Kind.SIMILAR, key=viewed.pk
    )
    assert [item.product.pk for item in block.items] == [pk for pk in similar if pk != viewed.pk][:4]


def test_the_session_of_a_signed_out_shopper_counts_by_its_key(store):
    # given
    viewed = store.products[3]
    Interaction.objects.create(kind="view", session_key="s" * 32, product=viewed, created_at=timezone.now())

    # when
    block = inference.recommendations_for_user(session_key="s" * 32, limit=3)

    # then
    assert [item.reason_product_id for item in block.items] == [viewed.pk] * 3


def test_a_shopper_nobody_knows_gets_category_popularity_then_trending_never_nothing(store):
    # given: a new user without events, and a new visitor
    newcomer = UserFactory()

    # when
    for_newcomer = inference.recommendations_for_user(user=newcomer, limit=8)
    for_visitor = inference.recommendations_for_user(limit=8)

    # then
    trending = [item.product.pk for item in inference.trending_products(limit=8).items]
    for block in (for_newcomer, for_visitor):
        assert not block.personalised
        assert [item.product.pk for item in block.items] == trending
        assert all(item.reason == f"Popular in {item.product.category.name}" for item in block.items)


def test_without_any_trained_version_blocks_show_best_sellers(settings):
    # given: products but no model
    store = planted_store()
    best = store.products[7]
    best.__class__.objects.filter(pk=best.pk).update(popularity=99)

    # when
    block = inference.recommendations_for_user(user=store.users[0], limit=5)

    # then
    assert block.model_version_id is None
    assert len(block.items) == 5
    assert block.items[0].product.pk == best.pk


def test_new_events_after_training_are_folded_in(store):
    # given: a user the model never saw views three Audio products now
    user = UserFactory()
    audio = store.products[2 * PER_GROUP : 2 * PER_GROUP + 3]
    Interaction.objects.bulk_create([event("view", user, product, days_ago=0) for product in audio])

    # when
    block = inference.recommendations_for_user(user=user, limit=5)

    # then: Audio products, each explained by one of the three views
    assert block.personalised
    assert {item.product.category_id for item in block.items} == {store.categories[2].pk}
    assert {item.reason_product_id for item in block.items} <= {product.pk for product in audio}
    assert not {item.product.pk for item in block.items} & {product.pk for product in audio}


def recorded(monkeypatch, module, name: str) -> list[tuple[tuple, object]]:
    """(arguments, result) of each call of `module.name`, which runs unchanged."""
    calls: list[tuple[tuple, object]] = []
    real = getattr(module, name)

    def recording(*args, **options):
        result = real(*args, **options)
        calls.append((args, result))
        return result

    monkeypatch.setattr(module, name, recording)
    return calls


def learned_matrices(monkeypatch) -> list:
    """Each matrix an ALS model is fitted to (confidences before alpha), in the order of the fits."""
    matrices = []
    real = als.implicit_model

    def recording(*args, **options):
        model = real(*args, **options)
        fit = model.fit

        def fit_recorded(matrix, **fit_options):
            matrices.append(matrix.copy())
            return fit(matrix, **fit_options)

        model.fit = fit_recorded
        return model

    monkeypatch.setattr(als, "implicit_model", recording)
    return matrices


@pytest.mark.parametrize("scheme", ["none", "log", "bm25"])
def test_fold_in_and_publication_use_the_confidences_the_model_learned_from(scheme, settings, monkeypatch):
    # given: a version trained with `scheme`, recording what ALS learned from and what publishing ranked with
    settings.ML_DEVICE = "cpu"
    store = planted_store()
    learned, published = learned_matrices(monkeypatch), recorded(monkeypatch, lists, "user_top_n")
    train(store, confidence=scheme)
    served = inference.served_version()
    confidences = learned[-1] * served.model.params.alpha  # the published model's fit: the whole window
    user = store.users[0]
    trained_row = confidences[interactions.codes(served.model.user_ids, np.array([user.pk]))[0][0]]

    # when: the user is folded in on their own events, weighted as at the end of training
    folded = recorded(monkeypatch, lists, "fold_in")
    monkeypatch.setattr(timezone, "now", lambda: served.publication.trained_until)
    inference.folded_in_list(served=served, user=user, history=inference.shopper_history(user=user))

    # then: publishing ranked with exactly those confidences, and the fold-in had the user's row of them
    assert served.model.params.confidence == scheme
    (_model, ranked_with, *_), _ranked = published[-1]
    assert ranked_with.toarray().tolist() == confidences.toarray().tolist()
    (_model, rows, weights), ranked = folded[0]
    assert (rows.tolist(), weights.tolist()) == (trained_row.indices.tolist(), trained_row.data.tolist())
    expected = lists.fold_in(served.model, trained_row.indices, trained_row.data, k=len(ranked.items), exclude=rows)
    assert (ranked.items.tolist(), ranked.reasons.tolist()) == (expected.items.tolist(), expected.reasons.tolist())


def test_readers_switch_from_the_old_lists_to_the_new_ones_with_the_champion(store, settings):
    # given: a second version published while the quality gate keeps the first as champion
    user = store.users[1]
    settings.ML_QUALITY_TOLERANCE = -1.0  # every candidate is rejected
    first = store.version_id
    second = train(factors=4).version
    assert second.pk != first

    # when
    before = inference.recommendations_for_user(user=user, limit=5)
    model_version_promote(version=ModelVersion.objects.get(pk=second.pk), user=None)
    from ml import loader

    loader.cache.clear()
    after = inference.recommendations_for_user(user=user, limit=5)

    # then: each answer comes whole from one version's list
    for block, version in ((before, first), (after, second.pk)):
        assert block.model_version_id == version
        own, _ = selectors.published_list(version_id=version, kind=RecommendationList.Kind.FOR_USER, key=user.pk)
        shown = [item.product.pk for item in block.items]
        assert shown == [pk for pk in own if pk in shown]
        assert set(shown) <= set(own)


def test_old_versions_lists_are_pruned_but_the_newest_and_the_champion_stay(store, settings):
    # given
    settings.ML_QUALITY_TOLERANCE = -1.0
    versions = [train(factors=4).version.pk for _ in range(4)]

    # then: the champion (the first) and the newest three remain
    assert set(RecommendationList.objects.values_list("version_id", flat=True)) == {store.version_id, *versions[1:]}


def test_a_user_not_active_lately_has_no_published_list_but_is_folded_in(settings):
    # given: a user whose only events are 40 days old (the published lists cover the last 30 days)
    settings.ML_DEVICE = "cpu"
    store = planted_store()
    sleeper = UserFactory()
    garden = store.products[PER_GROUP : PER_GROUP + 3]
    Interaction.objects.bulk_create([event("view", sleeper, product, days_ago=40) for product in garden])
    train(store)

    # when
    block = inference.recommendations_for_user(user=sleeper, limit=4)

    # then
    assert not RecommendationList.objects.filter(kind=RecommendationList.Kind.FOR_USER, key=sleeper.pk).exists()
    assert block.personalised
    assert {item.reason_product_id for item in block.items} <= {product.pk for product in garden}
    assert len(block.items) == 4
