"""Pricing runs, approval, automatic mode, guardrails at apply time, the audit trail, honoured prices."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkout.models import CartLine
from core.errors import ApplicationError
from events.models import DailyVariantStats
from orders.models import OrderLine
from pricing import services
from pricing.models import (
    CategoryPricing,
    Guardrail,
    Mode,
    PriceChangeAudit,
    PriceExperiment,
    PriceSuggestion,
    PricingRun,
)
from shop.models import PriceChange, Variant
from tests.factories import CartLineFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _pending():
    return list(PriceSuggestion.objects.filter(status=PriceSuggestion.Status.PENDING).order_by("variant__sku"))


def test_a_run_in_suggest_mode_proposes_prices_but_changes_none(store):
    run = services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)

    run.refresh_from_db()
    assert (run.status, run.variants, run.suggestions, run.applied) == ("succeeded", 4, 4, 0)
    assert run.model_label == "demand baseline"
    pending = _pending()
    assert len(pending) == 4
    for suggestion in pending:
        # +10% max per update from 20.00: the optimum lies above.
        assert suggestion.suggested_price == Decimal("22.00")
        assert (suggestion.min_allowed, suggestion.max_allowed) == (Decimal("18.00"), Decimal("22.00"))
        assert "price elasticity" in suggestion.reason
        assert suggestion.expected_units < suggestion.expected_units_current
        assert suggestion.expected_profit > suggestion.expected_profit_current
        assert len(suggestion.curve["prices"]) == 25
    assert set(Variant.objects.values_list("price", flat=True)) == {Decimal("20.00")}
    assert not PriceChange.objects.exists()


def test_approving_applies_the_price_and_records_the_history(store, staff):
    services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)
    first, second = _pending()[:2]

    changes, errors = services.price_suggestions_approve(suggestion_ids=[first.pk], approved_by=staff)

    assert errors == {}
    [change] = changes
    assert (change.old_price, change.new_price, change.changed_by) == (Decimal("20.00"), Decimal("22.00"), staff)
    assert change.reason == "Dynamic pricing (demand baseline, approved by anna)"
    audit = PriceChangeAudit.objects.get(price_change=change)
    assert (audit.suggestion_id, audit.approved_by, audit.automatic, audit.model_label) == (
        first.pk,
        staff,
        False,
        "demand baseline",
    )
    assert Variant.objects.get(pk=first.variant_id).price == Decimal("22.00")
    assert Variant.objects.get(pk=second.variant_id).price == Decimal("20.00")
    first.refresh_from_db()
    assert (first.status, first.decided_by) == ("applied", staff)


def test_a_suggestion_is_applied_once(store, staff):
    services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)
    suggestion = _pending()[0]
    services.price_suggestions_approve(suggestion_ids=[suggestion.pk], approved_by=staff)

    changes, errors = services.price_suggestions_approve(suggestion_ids=[suggestion.pk, 999999], approved_by=staff)

    assert changes == []
    assert errors == {
        suggestion.pk: f"Suggestion {suggestion.pk} is applied, not pending.",
        999999: "No such suggestion.",
    }
    assert PriceChange.objects.count() == 1


def test_automatic_mode_applies_at_once_within_the_guardrails(store):
    CategoryPricing.objects.create(category=store[0].product.category, mode=Mode.AUTOMATIC)

    run = services.pricing_run_execute(trigger=PricingRun.Trigger.SCHEDULE)

    assert run.applied == 4
    assert set(Variant.objects.values_list("price", flat=True)) == {Decimal("22.00")}
    assert PriceChangeAudit.objects.filter(automatic=True, approved_by=None).count() == 4
    assert set(PriceChange.objects.values_list("reason", flat=True)) == {"Dynamic pricing (demand baseline, automatic)"}


def test_a_freeze_set_after_the_suggestion_blocks_its_approval(store, staff):
    services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)
    suggestion = _pending()[0]
    Guardrail.objects.create(product=suggestion.variant.product, frozen=True)

    changes, errors = services.price_suggestions_approve(suggestion_ids=[suggestion.pk], approved_by=staff)

    assert changes == []
    assert errors == {suggestion.pk: f"22.00 is outside the guardrails of {suggestion.variant.sku} as they are now."}
    assert Variant.objects.get(pk=suggestion.variant_id).price == Decimal("20.00")


def test_frozen_products_get_no_change_suggested(store):
    Guardrail.objects.create(product=store[0].product, frozen=True)

    services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)

    held = PriceSuggestion.objects.get(variant=store[0])
    assert (held.status, held.suggested_price) == ("unchanged", Decimal("20.00"))
    assert held.reason.startswith("Hold at 20.00: price frozen")


def test_a_price_edited_since_the_suggestion_is_not_overwritten(store, staff):
    services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)
    suggestion = _pending()[0]
    Variant.objects.filter(pk=suggestion.variant_id).update(price=Decimal("19.00"))

    with pytest.raises(ApplicationError) as error:
        services.price_suggestion_apply(suggestion=suggestion, approved_by=staff)

    assert error.value.code == "price_changed_since_suggestion"
    assert Variant.objects.get(pk=suggestion.variant_id).price == Decimal("19.00")


def test_a_new_run_supersedes_pending_suggestions(store):
    services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)
    services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)

    assert PriceSuggestion.objects.filter(status="superseded").count() == 4
    assert len(_pending()) == 4


def test_orders_keep_their_price_and_carts_show_the_change(store, staff, client):
    variant = store[0]
    line = OrderLineFactory(variant=variant, quantity=2)
    cart_line = CartLineFactory(variant=variant)
    services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)

    services.price_suggestions_approve(
        suggestion_ids=[PriceSuggestion.objects.get(variant=variant).pk], approved_by=staff
    )

    line = OrderLine.objects.get(pk=line.pk)
    assert (line.unit_price, line.line_total) == (Decimal("20.00"), Decimal("40.00"))
    cart_line = CartLine.objects.get(pk=cart_line.pk)
    assert cart_line.price_changed
    session = client.session
    session.save()
    cart_line.cart.session_key = session.session_key
    cart_line.cart.save()
    page = client.get(reverse("checkout:cart")).content.decode()
    assert "Price changed from €20.00 to €22.00 since you added it." in page


def test_a_queued_run_executes_once_even_if_its_task_comes_twice(store, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.pricing_run_enqueue(started_by=staff)
    assert (run.status, len(callbacks)) == ("queued", 1)

    first = services.pricing_run_queued_execute(run_id=run.pk)
    again = services.pricing_run_queued_execute(run_id=run.pk)

    assert (first.status, first.suggestions, again.status) == ("succeeded", 4, "succeeded")
    assert PriceSuggestion.objects.count() == 4
    assert PricingRun.objects.count() == 1


def test_a_price_test_opens_an_experiment_that_the_first_run_without_one_closes(store, settings):
    # given: four weeks at one price, so the elasticity is unknown and the engine tests prices
    DailyVariantStats.objects.update(price=Decimal("20.00"))
    settings.PRICING_EXPLORATION = True

    services.pricing_run_execute(trigger=PricingRun.Trigger.ADMIN)

    experiments = PriceExperiment.objects.filter(ended_at__isnull=True)
    assert experiments.count() == 4
    for experiment in experiments:
        assert experiment.tests == 1
        assert experiment.last_test_pct != 0
        assert experiment.elasticity_low < experiment.elasticity < experiment.elasticity_high
        assert experiment.base_price == Decimal("20.00")

    # when: the next run tests no price (exploration switched off)
    settings.PRICING_EXPLORATION = False
    services.pricing_run_execute(trigger=PricingRun.Trigger.ADMIN)

    # then: the experiments are closed with the latest estimate, and none is opened again
    assert not PriceExperiment.objects.filter(ended_at__isnull=True).exists()
    assert PriceExperiment.objects.count() == 4
