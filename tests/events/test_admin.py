"""The back office shows the event log and the aggregate read-only."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from events.models import DailyVariantStats, Interaction
from events.services import interaction_record, interactions_flush
from tests.factories import VariantFactory

AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_staff_see_and_filter_interactions_but_cannot_edit_them(admin_client):
    # given
    variant = VariantFactory(sku="MUG-RED")
    interaction_record(kind=Interaction.Kind.VIEW, variant=variant, at=AT)
    interaction_record(kind=Interaction.Kind.SEARCH, query="red mug", result_count=1, at=AT)
    interactions_flush()
    changelist = reverse("admin:events_interaction_changelist")

    # when
    filtered = admin_client.get(changelist, {"kind__exact": "view", "created_at__year": "2026"})
    detail = admin_client.get(reverse("admin:events_interaction_change", args=[Interaction.objects.first().pk]))

    # then
    assert filtered.status_code == 200
    assert list(filtered.context["cl"].result_list.values_list("kind", flat=True)) == ["view"]
    assert detail.status_code == 200
    assert admin_client.get(reverse("admin:events_interaction_add")).status_code == 403


@pytest.mark.django_db
def test_staff_find_daily_stats_by_sku(admin_client):
    # given
    mug = VariantFactory(sku="MUG-RED")
    lamp = VariantFactory(sku="LAMP-1")
    for variant in (mug, lamp):
        interaction_record(kind=Interaction.Kind.VIEW, variant=variant, at=AT)
    interactions_flush()

    # when
    response = admin_client.get(reverse("admin:events_dailyvariantstats_changelist"), {"q": "MUG"})

    # then
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [DailyVariantStats.objects.get(variant=mug)]
