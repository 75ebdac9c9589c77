"""The reads behind the trend reports: price changes per day with the pricing report's realised uplift,
training-run durations, the ticket queue."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import DailyVariantStats
from ml.selectors import training_run_durations
from pricing.models import PriceChangeAudit
from pricing.selectors import price_changes_by_day
from shop.models import PriceChange
from support.models import Conversation, Ticket
from support.selectors import ticket_queue
from tests.dashboard.conftest import at
from tests.factories import TrainingRunFactory, VariantFactory

pytestmark = pytest.mark.django_db


def change(variant, when, *, by_engine: bool) -> PriceChange:
    made = PriceChange.objects.create(variant=variant, old_price=10, new_price=12, changed_at=when)
    if by_engine:
        PriceChangeAudit.objects.create(
            price_change=made,
            model_label="demand v1",
            expected_units_before=5,
            expected_units_after=4,
            expected_profit_before=30,
            expected_profit_after=32,
        )
    return made


def test_price_changes_per_day_tell_the_engines_from_the_rest():
    variant = VariantFactory()
    change(variant, at(2, 9), by_engine=True)
    change(variant, at(2, 15), by_engine=False)
    change(variant, at(3), by_engine=True)
    change(variant, at(9), by_engine=True)

    rows = price_changes_by_day(start=at(1, 0), end=at(4, 0))

    assert [(str(r["day"]), r["changes"], r["by_engine"]) for r in rows] == [("2026-03-02", 2, 1), ("2026-03-03", 1, 1)]


def test_the_pricing_report_adds_up_the_realised_uplift_of_the_engines_changes_a_week_on(admin_client):
    variant = VariantFactory(cost=Decimal("6.00"))
    day = timezone.localdate() - timedelta(days=10)
    change(variant, timezone.make_aware(datetime.combine(day, time(9))), by_engine=True)
    for offset in range(-7, 7):  # 5 a day at 10.00 before, 4 a day at 12.00 after: profit 20 -> 24 a day
        units, price = (5, Decimal("10.00")) if offset < 0 else (4, Decimal("12.00"))
        DailyVariantStats.objects.create(
            variant=variant, date=day + timedelta(days=offset), units_sold=units, revenue=units * price, price=price
        )

    csv = admin_client.get("/admin/reports/pricing/?format=csv").content.decode().splitlines()

    assert csv[1:] == [f"{day.isoformat()},1,1,1,4.0000"]


def test_training_run_durations_are_the_finished_runs_in_the_period_oldest_first():
    late = TrainingRunFactory(registered_model__name="popularity", started_at=at(3))
    early = TrainingRunFactory(
        registered_model__name="als", started_at=at(2), finished_at=at(2) + timedelta(minutes=90), status="failed"
    )
    TrainingRunFactory(registered_model__name="als", started_at=at(2, 13), finished_at=None, status="running")
    TrainingRunFactory(registered_model__name="als", started_at=at(9))

    rows = training_run_durations(start=at(1, 0), end=at(4, 0))

    assert [(r["id"], r["kind"], r["status"], r["seconds"]) for r in rows] == [
        (early.pk, "als", "failed", 5400.0),
        (late.pk, "popularity", "succeeded", 60.0),
    ]


def test_the_ticket_queue_counts_open_tickets_and_finds_the_oldest():
    assert ticket_queue() == {"open": 0, "oldest_at": None}
    conversation = Conversation.objects.create()
    oldest = Ticket.objects.create(conversation=conversation, reason="Late", transcript="-")
    Ticket.objects.create(conversation=conversation, reason="Broken", transcript="-")
    Ticket.objects.create(conversation=conversation, reason="Done", transcript="-", status=Ticket.Status.CLOSED)

    assert ticket_queue() == {"open": 2, "oldest_at": oldest.created_at}
