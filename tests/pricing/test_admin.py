"""Admin: suggestions with their chart and explanation, bulk approval, run now, the dashboard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import DailyVariantStats
from pricing import services
from pricing.models import PriceChangeAudit, PriceExperiment, PriceSuggestion, PricingRun
from shop.models import Variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_the_suggestion_page_shows_prices_band_reason_contributions_and_the_curve(admin_client, store):
    services.pricing_run_execute(trigger=PricingRun.Trigger.ADMIN)
    suggestion = PriceSuggestion.objects.get(variant=store[0])

    page = admin_client.get(reverse("admin:pricing_pricesuggestion_change", args=[suggestion.pk])).content.decode()

    assert "current <strong>€20.00</strong> → suggested <strong>€22.00</strong> (+10.0%)" in page
    assert "units (10-90%)" in page
    assert suggestion.reason in page
    assert '<canvas data-chart="demand-curve"' in page
    assert '<script id="demand-curve" type="application/json">' in page
    assert page.count("<tr><td>") == len(suggestion.curve["prices"])  # the table view: one row per point
    assert '"label": "suggested 22.00"' in page


def test_bulk_approve_from_the_list(admin_client, store):
    services.pricing_run_execute(trigger=PricingRun.Trigger.ADMIN)
    ids = list(PriceSuggestion.objects.values_list("pk", flat=True))

    response = admin_client.post(
        reverse("admin:pricing_pricesuggestion_changelist"),
        {"action": "approve", "_selected_action": ids},
        follow=True,
    )

    assert "Applied 4 price change(s)." in response.content.decode()
    assert set(Variant.objects.values_list("price", flat=True)) == {Decimal("22.00")}
    assert PriceChangeAudit.objects.filter(approved_by__username="anna").count() == 4


def test_run_now_queues_a_run_and_the_dashboard_measures_changes_a_week_old(
    admin_client, store, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the task is sent on commit; the suite runs it eagerly
        response = admin_client.post(reverse("admin:pricing_pricingrun_run_now"), follow=True)
    run = PricingRun.objects.get()
    assert f"Pricing run {run.pk} queued" in response.content.decode()
    assert (run.status, run.trigger, run.started_by, run.suggestions) == ("succeeded", "admin", staff, 4)
    page = admin_client.get(reverse("admin:pricing_dashboard")).content.decode()
    assert "<tr><th>Suggestions</th><td>4</td></tr>" in page
    assert "<tr><th>Trigger</th><td>Admin</td></tr>" in page

    suggestion = PriceSuggestion.objects.get(variant=store[0])
    [change] = services.price_suggestions_approve(suggestion_ids=[suggestion.pk], approved_by=staff)[0]
    change.changed_at = timezone.now() - timedelta(days=8)
    change.save(update_fields=["changed_at"])
    day = timezone.localdate() - timedelta(days=8)
    DailyVariantStats.objects.filter(variant=store[0], date__gte=day - timedelta(days=7)).delete()
    DailyVariantStats.objects.bulk_create(
        DailyVariantStats(
            variant=store[0],
            date=day + timedelta(days=d),
            units_sold=3,
            revenue=Decimal("66.00"),
            price=Decimal("22.00"),
            stock_at_day_start=500,
        )
        for d in range(7)
    )

    page = admin_client.get(reverse("admin:pricing_dashboard")).content.decode()

    assert "1 price change by the engine, 0 in the last 7 days" in page
    assert "sold 3.0 units/day" in page
    # Profit per day: after 3 x (22 - 8) = 42; before: no sales in the week before (rows deleted).
    assert "realised uplift €42.00 profit/day" in page


def test_a_guardrail_needs_exactly_one_scope_and_consistent_bounds(admin_client, store):
    url = reverse("admin:pricing_guardrail_add")
    base = {
        "floor_pct": "70",
        "ceiling_pct": "150",
        "min_margin_pct": "10",
        "max_change_pct": "10",
        "max_weekly_change_pct": "20",
        "min_days_between_changes": "1",
    }

    page = admin_client.post(url, {**base, "floor_pct": "160"}).content.decode()

    assert "Choose either a category or a product." in page
    assert "The ceiling must not be below the floor." in page
    response = admin_client.post(url, {**base, "product": store[0].product.pk, "frozen": "on"})
    assert response.status_code == 302
    assert store[0].product.guardrail.frozen is True


def test_the_experiments_list_shows_what_is_explored_and_the_elasticity_learned(admin_client, store, settings):
    DailyVariantStats.objects.update(price=Decimal("20.00"))  # one price so far: the engine tests prices
    settings.PRICING_EXPLORATION = True
    services.pricing_run_execute(trigger=PricingRun.Trigger.ADMIN)
    experiment = PriceExperiment.objects.get(variant=store[0])

    page = admin_client.get(reverse("admin:pricing_priceexperiment_changelist")).content.decode()

    assert page.count("exploring") >= 4
    assert "MUG-0" in page
    assert f"{experiment.last_test_pct:+.1f}%" in page
    assert f"{experiment.elasticity:.2f} ({experiment.elasticity_low:.2f} to {experiment.elasticity_high:.2f})" in page
