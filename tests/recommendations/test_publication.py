"""Publishing a trained `als` version's lists, and serving them."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from events.models import Interaction
from recommendations import inference
from recommendations.models import Publication, RecommendationList
from recommendations.services import ListTable, lists_copy
from shop.models import Product
from tests.recommendations.store import model_version_row, planted_store, train

pytestmark = pytest.mark.django_db


def test_a_training_run_publishes_every_list_of_its_version(settings):
    # given
    settings.ML_DEVICE = "cpu"
    store = planted_store()

    # when
    run = train(store)

    # then
    publication = Publication.objects.get(version_id=run.version.pk)
    assert publication.version == run.version  # a foreign key to the version's row
    assert publication.row_counts == {
        "For a user": 60,
        "Similar products": 45,
        "Bought together": 45,
        "Trending in a category": 4,
    }
    assert set(RecommendationList.objects.values_list("version_id", flat=True)) == {run.version.pk}


def test_lists_are_copied_in_binary_without_their_padding_and_empty_lists_are_skipped():
    # given: three lists of lengths 2, 0 and 3
    table = ListTable(
        kind=RecommendationList.Kind.SIMILAR,
        keys=np.array([11, 12, 2**40]),
        product_ids=np.array([[5, 6, -1], [-1, -1, -1], [7, 8, 2**40 + 1]]),
        reason_ids=np.array([[0, 9, -1], [-1, -1, -1], [1, 2, 3]]),
    )

    # when
    written = lists_copy(77, table)

    # then
    assert written == 2
    fields = ("version_id", "kind", "key", "product_ids", "reason_ids")
    assert list(RecommendationList.objects.order_by("key").values_list(*fields)) == [
        (77, RecommendationList.Kind.SIMILAR, 11, [5, 6], [0, 9]),
        (77, RecommendationList.Kind.SIMILAR, 2**40, [7, 8, 2**40 + 1], [1, 2, 3]),
    ]


def test_a_list_with_a_gap_is_refused_and_nothing_is_written():
    # given: the padding comes before a product
    table = ListTable(
        kind=RecommendationList.Kind.SIMILAR,
        keys=np.array([11]),
        product_ids=np.array([[5, -1, 6]]),
        reason_ids=np.array([[0, -1, 0]]),
    )

    # when / then
    with pytest.raises(ValueError, match="pad its end"):
        lists_copy(77, table)
    assert not RecommendationList.objects.exists()


def test_reasons_name_a_product_the_user_really_interacted_with(settings):
    # given
    settings.ML_DEVICE = "cpu"
    store = planted_store()
    train(store)
    user = store.users[0]
    theirs = set(Interaction.objects.filter(user=user).values_list("product_id", flat=True))

    # when
    block = inference.recommendations_for_user(user=user, limit=6)

    # then
    assert block.personalised
    assert block.model_version_id == store.version_id
    assert len(block.items) == 6
    for item in block.items:
        assert item.reason_product_id in theirs
        assert item.reason.startswith("Because you ")
        assert item.reason.endswith(Product.objects.get(pk=item.reason_product_id).name)
    assert not {item.product.pk for item in block.items} & theirs  # nothing they already know


def test_recommendations_ensure_trains_once_then_does_nothing(settings):
    # given
    settings.ML_DEVICE = "cpu"
    planted_store()
    first, second = StringIO(), StringIO()

    # when
    call_command("recommendations_ensure", stdout=first)
    call_command("recommendations_ensure", stdout=second)

    # then
    version_id = Publication.objects.get().version_id
    assert first.getvalue().startswith("als v1 trained and published.")
    assert second.getvalue() == "Recommendations are published (als v1); nothing to do.\n"
    assert RecommendationList.objects.filter(version_id=version_id).count() == 60 + 45 + 45 + 4


def test_recommendations_ensure_refuses_a_negative_budget():
    with pytest.raises(CommandError, match=r"--tune-seconds must be 0 or more\."):
        call_command("recommendations_ensure", "--tune-seconds", "-1")
    assert Publication.objects.count() == 0


def test_deleting_a_version_takes_its_publication_and_its_lists():
    # given: a published version that is no alias (a champion's version cannot be deleted)
    version, kept = model_version_row(number=5), model_version_row(number=6)
    for published in (version, kept):
        table = ListTable(
            kind=RecommendationList.Kind.TRENDING,
            keys=np.array([0]),
            product_ids=np.array([[5, 6]]),
            reason_ids=np.array([[0, 0]]),
        )
        lists_copy(published.pk, table)
        Publication.objects.create(version=published, trained_until=timezone.now())

    # when
    version.delete()

    # then
    assert list(Publication.objects.values_list("version", flat=True)) == [kept.pk]
    assert list(RecommendationList.objects.values_list("version_id", flat=True)) == [kept.pk]
