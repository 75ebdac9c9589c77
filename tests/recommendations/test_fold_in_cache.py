"""The fold-in of a signed-in shopper's new events is cached until their events or the champion change."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Interaction
from ml import loader
from ml.models import ModelVersion
from ml.services import model_version_promote
from recommendations import inference
from recommendations.ml import lists
from tests.factories import UserFactory
from tests.recommendations.store import PER_GROUP, train

pytestmark = pytest.mark.django_db


@pytest.fixture
def fold_ins(monkeypatch) -> list[int]:
    """One entry (the history's length) per call of the real lists.fold_in, which runs unchanged."""
    calls: list[int] = []
    real = lists.fold_in

    def counted(model, rows, confidences, **options):
        calls.append(len(rows))
        return real(model, rows, confidences, **options)

    monkeypatch.setattr(lists, "fold_in", counted)
    return calls


def record(user, kind: str, products, *, at=None) -> None:
    at = at or timezone.now()
    Interaction.objects.bulk_create(
        [Interaction(kind=kind, user=user, product=product, created_at=at) for product in products]
    )


def shown(block) -> list[tuple[int, int | None]]:
    return [(item.product.pk, item.reason_product_id) for item in block.items]


def audio(store) -> list:
    return store.products[2 * PER_GROUP : 2 * PER_GROUP + 3]


def garden(store) -> list:
    return store.products[PER_GROUP : PER_GROUP + 3]


def test_requests_between_two_events_reuse_one_fold_in(store, fold_ins):
    # given: a shopper the model never saw, who viewed three Audio products after training
    user = UserFactory()
    record(user, "view", audio(store))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    # when: the API twice with other parameters (no response cache entry), then inference itself
    first = client.get("/api/v1/recommendations/for-you/", {"limit": 5}).json()
    second = client.get("/api/v1/recommendations/for-you/", {"limit": 3}).json()
    block = inference.recommendations_for_user(user=user, limit=5)

    # then: one fold-in of the three events served all three, with the same list and reasons
    assert fold_ins == [3]
    assert (first["personalised"], second["personalised"], block.personalised) == (True, True, True)
    first_items = [(item["id"], item["reason_product_id"]) for item in first["results"]]
    assert len(first_items) == 5
    assert [(item["id"], item["reason_product_id"]) for item in second["results"]] == first_items[:3]
    assert shown(block) == first_items
    assert {reason for _pk, reason in first_items} <= {product.pk for product in audio(store)}


def test_a_new_event_misses_the_cache_and_its_product_shapes_the_list(store, fold_ins):
    # given: a shopper folded in once on three Audio views
    user = UserFactory()
    record(user, "view", audio(store))
    before = inference.recommendations_for_user(user=user, limit=5)
    assert {item.product.category_id for item in before.items} == {store.categories[2].pk}

    # when: they buy three Garden products
    record(user, "purchase", garden(store))
    after = inference.recommendations_for_user(user=user, limit=5)
    again = inference.recommendations_for_user(user=user, limit=5)

    # then: folded in again on all six events (once), and Garden products explained by the purchases appear
    assert fold_ins == [3, 6]
    assert shown(again) == shown(after) != shown(before)
    bought = {product.pk for product in garden(store)}
    garden_items = [item for item in after.items if item.product.category_id == store.categories[1].pk]
    assert garden_items
    assert {item.reason_product_id for item in garden_items} <= bought
    assert not {item.product.pk for item in after.items} & bought


def test_a_new_champion_misses_the_cache_and_a_rollback_finds_the_old_entry(store, fold_ins, settings):
    # given: a second version held back by the quality gate, then a shopper folded in on the champion
    settings.ML_QUALITY_TOLERANCE = -1.0  # every candidate is rejected
    second = train(factors=4).version
    user = UserFactory()
    record(user, "view", audio(store))  # after both trainings: folded in on either version
    first_block = inference.recommendations_for_user(user=user, limit=5)

    # when: the second version is promoted, then the first again
    model_version_promote(version=ModelVersion.objects.get(pk=second.pk), user=None)
    loader.cache.clear()
    second_block = inference.recommendations_for_user(user=user, limit=5)
    model_version_promote(version=ModelVersion.objects.get(pk=store.version_id), user=None)
    loader.cache.clear()
    back = inference.recommendations_for_user(user=user, limit=5)

    # then: the new champion folded in afresh; the rollback was served the first version's entry
    assert fold_ins == [3, 3]
    assert (first_block.model_version_id, second_block.model_version_id, back.model_version_id) == (
        store.version_id,
        second.pk,
        store.version_id,
    )
    assert shown(back) == shown(first_block)


def test_two_shoppers_never_share_an_entry(store, fold_ins):
    # given: two shoppers with the very same events at the same instant
    ann, bob = UserFactory(), UserFactory()
    at = timezone.now() - timedelta(minutes=5)
    for user in (ann, bob):
        record(user, "view", audio(store), at=at)

    # when
    ann_first = inference.recommendations_for_user(user=ann, limit=5)
    bob_first = inference.recommendations_for_user(user=bob, limit=5)
    record(bob, "purchase", garden(store))
    bob_after = inference.recommendations_for_user(user=bob, limit=5)
    ann_again = inference.recommendations_for_user(user=ann, limit=5)

    # then: each shopper was folded in on their own; Bob's new events changed his list only
    assert fold_ins == [3, 3, 6]
    assert shown(ann_first) == shown(bob_first) == shown(ann_again)
    assert shown(bob_after) != shown(bob_first)


def test_the_viewed_ids_the_browser_sends_are_part_of_the_key(store, fold_ins):
    # given: a shopper with three Audio views in the log
    user = UserFactory()
    record(user, "view", audio(store))
    viewed = (garden(store)[0].pk,)

    # when: without, then twice with the same viewed id
    plain = inference.recommendations_for_user(user=user, limit=5)
    with_viewed = inference.recommendations_for_user(user=user, viewed=viewed, limit=5)
    again = inference.recommendations_for_user(user=user, viewed=viewed, limit=5)

    # then: the viewed product was folded in once (four events), and it explains part of the list
    assert fold_ins == [3, 4]
    assert shown(again) == shown(with_viewed) != shown(plain)
    assert viewed[0] in {item.reason_product_id for item in with_viewed.items}
