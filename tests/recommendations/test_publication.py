"""Publishing a trained `als` version's lists, and serving them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.models import Interaction
from recommendations import selectors
from recommendations.models import Publication, RecommendationList
from shop.models import Product
from tests.recommendations.store import planted_store, train

pytestmark = pytest.mark.django_db


def test_a_training_run_publishes_every_list_of_its_version(settings):
    # given
    settings.ML_DEVICE = "cpu"
    store = planted_store()

    # when
    run = train(store)

    # then
    publication = Publication.objects.get(version_id=run.version.pk)
    assert publication.row_counts == {
        "For a user": 60,
        "Similar products": 45,
        "Bought together": 45,
        "Trending in a category": 4,
    }
    assert set(RecommendationList.objects.values_list("version_id", flat=True)) == {run.version.pk}


def test_reasons_name_a_product_the_user_really_interacted_with(settings):
    # given
    settings.ML_DEVICE = "cpu"
    store = planted_store()
    train(store)
    user = store.users[0]
    theirs = set(Interaction.objects.filter(user=user).values_list("product_id", flat=True))

    # when
    block = selectors.recommendations_for_user(user=user, limit=6)

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
