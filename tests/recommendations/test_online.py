"""Online evaluation: CTR and conversions per day, block and model version, and the admin page showing them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Interaction
from recommendations.models import RecommendationEvent
from recommendations.selectors import block_performance
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def feedback(kind, block, product, *, version=7, user=None, session_key="", position=0, at=None):
    return RecommendationEvent(
        kind=kind,
        block=block,
        position=position,
        product_id=product.pk,
        model_version_id=version,
        user=user,
        session_key=session_key,
        created_at=at or timezone.now() - timedelta(hours=1),
    )


def test_ctr_and_conversions_per_block_and_version():
    # given: 4 similar impressions, 2 clicks; one click bought within a day (by user), one never
    ann, bob = UserFactory(), UserFactory()
    mug, lamp = ProductFactory(), ProductFactory()
    RecommendationEvent.objects.bulk_create(
        [
            *[feedback("impression", "similar", mug, position=p) for p in range(4)],
            feedback("click", "similar", mug, user=ann),
            feedback("click", "similar", lamp, user=bob),
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
    ] == [(today, "similar", 7, 4, 2, 1), (today, "trending", None, 1, 1, 1)]
    assert rows[0]["ctr"] == 0.5
    assert rows[0]["conversion_rate"] == 0.5


def test_the_admin_lists_the_performance_table(admin_client):
    # given
    RecommendationEvent.objects.bulk_create([feedback("impression", "for_you", ProductFactory())])

    # when
    page = admin_client.get("/admin/recommendations/recommendationevent/").content.decode()

    # then
    assert 'id="recommendation-performance"' in page
    assert "<td>for_you</td><td>7</td>" in page
