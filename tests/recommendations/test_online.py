"""Online evaluation: CTR and conversions per day, block and model version, and the admin page showing them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Interaction
from recommendations.models import RecommendationEvent
from recommendations.selectors import block_performance
from tests.factories import ProductFactory, UserFactory
from tests.recommendations.store import model_version_row

pytestmark = pytest.mark.django_db


def feedback(kind, block, product, *, version, user=None, session_key="", position=0, at=None):
    return RecommendationEvent(
        kind=kind,
        block=block,
        position=position,
        product_id=product.pk,
        model_version=version,
        user=user,
        session_key=session_key,
        created_at=at or timezone.now() - timedelta(hours=1),
    )


def test_ctr_and_conversions_per_block_and_version():
    # given: 4 similar impressions, 2 clicks; one click bought within a day (by user), one never
    ann, bob = UserFactory(), UserFactory()
    mug, lamp = ProductFactory(), ProductFactory()
    version = model_version_row(number=7)
    RecommendationEvent.objects.bulk_create(
        [
            *[feedback("impression", "similar", mug, version=version, position=p) for p in range(4)],
            feedback("click", "similar", mug, version=version, user=ann),
            feedback("click", "similar", lamp, version=version, user=bob),
            feedback("impression", "trending", lamp, version=None, session_key="k" * 32),
            feedback("click", "trending", lamp, version=None, session_key="k" * 32),
        ]
    )
    Interaction.objects.bulk_create(
        [
            Interaction(kind="purchase", user=ann, product=mug, created_at=timezone.now()),
            Interaction(kind="purchase", user=bob, product=mug, created_at=timezone.now()),  # not what he clicked
            Interaction(kind="purchase", session_key="k" * 32, product=lamp, created_at=timezone.now()),
        ]
    )

    # when
    rows = block_performance(since=timezone.now() - timedelta(days=1))

    # then
    today = timezone.localdate(timezone.now() - timedelta(hours=1))
    assert [
        (row["day"], row["block"], row["model_version_id"], row["impressions"], row["clicks"], row["conversions"])
        for row in rows
    ] == [(today, "similar", version.pk, 4, 2, 1), (today, "trending", None, 1, 1, 1)]
    assert rows[0]["ctr"] == 0.5
    assert rows[0]["conversion_rate"] == 0.5


def test_the_admin_lists_the_performance_table(admin_client):
    # given
    version = model_version_row(number=7)
    RecommendationEvent.objects.bulk_create([feedback("impression", "for_you", ProductFactory(), version=version)])

    # when
    page = admin_client.get("/admin/recommendations/recommendationevent/").content.decode()

    # then
    assert 'id="recommendation-performance"' in page
    assert f"<td>for_you</td><td>{version.pk}</td>" in page
    assert '<td class="field-model_version nowrap">als v7</td>' in page  # the raw events name their version


def test_deleting_a_version_keeps_its_events_attributed_to_no_version():
    # given
    version = model_version_row(number=7)
    RecommendationEvent.objects.bulk_create([feedback("click", "similar", ProductFactory(), version=version)])

    # when
    version.delete()

    # then
    event = RecommendationEvent.objects.get()
    assert (event.kind, event.block, event.model_version) == ("click", "similar", None)
