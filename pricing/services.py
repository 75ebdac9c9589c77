"""Writes of the pricing app: pricing runs, approving and applying suggestions inside the guardrails.

    pricing_run_execute(trigger=...)                 suggestions for every active variant (nightly, admin, API)
    price_suggestions_approve(suggestion_ids=..., approved_by=user)   staff approval in suggest-only mode
    price_suggestion_apply(suggestion=..., approved_by=...)           re-checks the guardrails, then applies

The prices come from the served demand model through pricing.inference; these services store the
suggestions and apply them.

One price for everyone: the engine's inputs are the variant's own history, stock, season and
guardrails; nothing about a shopper. Prices a shopper saw are honoured elsewhere: order lines keep
their unit price (orders.OrderLine.unit_price) and the cart flags lines whose price changed since
they were added (checkout.CartLine.price_changed).
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core.errors import ApplicationError, NotFoundError
from core.task_queue import task_send
from pricing import inference, selectors
from pricing.ml import demand, engine, guardrails
from pricing.models import Mode, PriceChangeAudit, PriceExperiment, PriceSuggestion, PricingRun
from shop.models import PriceChange, Variant
from shop.services import variant_price_set

logger = logging.getLogger(__name__)
EXPERIMENT_Z = 1.645  # a 90% interval for the elasticity shown with each price experiment


def pricing_run_enqueue(*, started_by=None, trigger: str = PricingRun.Trigger.ADMIN) -> PricingRun:
    """Queue a pricing run for a worker (the admin's "Run pricing now": a run takes seconds to a minute,
    too long for a request). The run row exists at once (status queued) and its task is sent once the
    row is committed; the task, keyed by the run id, executes it once (`pricing_run_queued_execute`).
    If the broker cannot be reached the run is marked failed with the reason."""
    with transaction.atomic():
        run = PricingRun.objects.create(trigger=trigger, started_by=started_by, status=PricingRun.Status.QUEUED)
        transaction.on_commit(lambda: _pricing_run_send(run.pk))
    run.refresh_from_db()
    return run


def _pricing_run_send(run_id: int) -> None:
    try:
        task_send("pricing.tasks.pricing_run_requested", kwargs={"run_id": run_id})
    except BrokerError as error:
        logger.exception("Could not enqueue pricing run %s", run_id)
        PricingRun.objects.filter(pk=run_id).update(
            status=PricingRun.Status.FAILED,
            error=f"Could not reach the task broker: {error}",
            finished_at=timezone.now(),
        )


def pricing_run_queued_execute(*, run_id: int) -> PricingRun:
    """Execute a queued run; a run already taken (a redelivered task) is returned as it is."""
    taken = PricingRun.objects.filter(pk=run_id, status=PricingRun.Status.QUEUED).update(
        status=PricingRun.Status.RUNNING
    )
    run = PricingRun.objects.select_related("started_by").get(pk=run_id)
    if not taken:
        return run
    return pricing_run_execute(trigger=run.trigger, started_by=run.started_by, run=run)


def pricing_run_execute(
    *,
    trigger: str,
    started_by=None,
    variant_ids: list[int] | None = None,
    now: datetime | None = None,
    run: PricingRun | None = None,
) -> PricingRun:
    """Suggest a price for each active variant; apply at once where the category is automatic.
    `run`: a queued run row to fill in (pricing_run_queued_execute); else a new one is created."""
    now = now or timezone.now()
    model = inference.demand_model_served()
    if run is None:
        run = PricingRun.objects.create(trigger=trigger, started_by=started_by)
    run.model_label, run.model_version_id, run.status = model.label, model.version_id, PricingRun.Status.RUNNING
    run.save(update_fields=["model_label", "model_version", "status"])
    try:
        suggestions = _suggestions_create(run=run, variant_ids=variant_ids, now=now, trees=model.trees)
    except Exception as error:
        PricingRun.objects.filter(pk=run.pk).update(
            status=PricingRun.Status.FAILED, error=f"{type(error).__name__}: {error}", finished_at=timezone.now()
        )
        raise
    run.refresh_from_db(fields=["variants", "suggestions"])
    applied = 0
    for suggestion in suggestions:
        if suggestion.mode == Mode.AUTOMATIC and suggestion.status == PriceSuggestion.Status.PENDING:
            try:
                price_suggestion_apply(suggestion=suggestion, approved_by=None)
                applied += 1
            except ApplicationError as error:
                logger.warning("Automatic price change for %s not applied: %s", suggestion.variant_id, error.message)
    run.applied = applied
    run.status = PricingRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.seconds = (run.finished_at - run.started_at).total_seconds()
    run.save(update_fields=["applied", "status", "finished_at", "seconds"])
    return run


def _suggestions_create(*, run: PricingRun, variant_ids, now: datetime, trees: demand.Booster) -> list[PriceSuggestion]:
    """The served model's suggestions (pricing.inference) for the variants, stored; older pending ones superseded."""
    variants = selectors.pricing_variants(variant_ids=variant_ids)
    computed = inference.price_suggestions_compute(variants=variants, now=now, trees=trees)
    rows = [
        _suggestion_row(run, found.variant, found.policy, found.result, found.curves, found.index) for found in computed
    ]
    with transaction.atomic():
        PriceSuggestion.objects.filter(variant__in=variants, status=PriceSuggestion.Status.PENDING).update(
            status=PriceSuggestion.Status.SUPERSEDED
        )
        created = PriceSuggestion.objects.bulk_create(rows)
        _price_experiments_record(computed=computed, now=now)
        PricingRun.objects.filter(pk=run.pk).update(variants=len(variants), suggestions=len(created))
    return created


def _price_experiments_record(*, computed: list[inference.VariantSuggestion], now: datetime) -> None:
    """Open, extend or close each variant's price experiment after a run: open (or extend) where the run
    tests a price to learn the elasticity, close where it no longer needs to; the estimate and its
    90% interval are refreshed either way."""
    open_tests = {e.variant_id: e for e in PriceExperiment.objects.filter(ended_at__isnull=True).select_for_update()}
    for found in computed:
        j, result = found.index, found.result
        estimate = float(result.elasticity[j])
        spread = EXPERIMENT_Z * float(result.fitted.est.stderr[j])
        test = float(result.explored[j]) * 100
        experiment = open_tests.get(found.variant.pk)
        if experiment is None and not test:
            continue
        if experiment is None:
            experiment = PriceExperiment(
                variant=found.variant, started_at=now, base_price=found.variant.price, elasticity_start=estimate
            )
        experiment.updated_at = now
        experiment.elasticity, experiment.elasticity_low, experiment.elasticity_high = (
            estimate,
            estimate - spread,
            estimate + spread,
        )
        if test:
            experiment.tests += 1
            experiment.last_test_pct = round(test, 2)
        else:
            experiment.ended_at = now
        experiment.save()


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _suggestion_row(run, variant, policy, result: engine.Suggestions, curves, j) -> PriceSuggestion:
    changed = abs(result.suggested_price[j] - result.current_price[j]) > 0.005
    contributions = result.contributions[j]
    return PriceSuggestion(
        run=run,
        variant=variant,
        status=PriceSuggestion.Status.PENDING if changed else PriceSuggestion.Status.UNCHANGED,
        mode=policy.mode,
        objective=result.objective,
        current_price=variant.price,
        suggested_price=_money(result.suggested_price[j]),
        cost=variant.cost,
        min_allowed=_money(result.limits.low[j] / 100),
        max_allowed=_money(result.limits.high[j] / 100),
        expected_units_current=round(float(result.current_units[j]), 4),
        expected_units=round(float(result.expected_units[j]), 4),
        units_low=float(result.units_low[j]),
        units_high=float(result.units_high[j]),
        expected_revenue_current=round(float(result.current_revenue[j]), 2),
        expected_revenue=round(float(result.expected_revenue[j]), 2),
        expected_profit_current=round(float(result.current_profit[j]), 2),
        expected_profit=round(float(result.expected_profit[j]), 2),
        elasticity=round(float(result.elasticity[j]), 3),
        reason=result.reasons[j],
        contributions=contributions,
        curve={
            "prices": [round(float(p), 2) for p in curves["prices"][j]],
            "units": [round(float(u), 4) for u in curves["units"][j]],
            "profit": [round(float(p), 2) for p in curves["profit"][j]],
        },
        model_label=run.model_label,
        model_version_id=run.model_version_id,
    )


def price_guardrail_violations(*, variant: Variant, price: float, now: datetime | None = None) -> int:
    """How many guardrail rules `price` breaks for `variant` right now (the engine's own checker)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    history = selectors.demand_history(
        variants=[variant], start=today - timedelta(days=settings.PRICING_WINDOW_DAYS), end=today
    )
    policies = selectors.variant_policies(variants=[variant])
    catalog = selectors.pricing_catalog(variants=[variant], history=history, policies=policies, now=now)
    return int(guardrails.violations(np.array([price]), catalog, today=today.toordinal())[0])


@transaction.atomic
def price_suggestion_apply(*, suggestion: PriceSuggestion, approved_by=None) -> PriceChange:
    """Apply a pending suggestion: the price must still be the one it was made for, and the new price
    must pass the guardrails as they are NOW (a freeze or a tighter bound set since then wins)."""
    variant = Variant.objects.select_for_update().select_related("product__category").get(pk=suggestion.variant_id)
    suggestion = PriceSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != PriceSuggestion.Status.PENDING:
        raise ApplicationError(
            f"Suggestion {suggestion.pk} is {suggestion.get_status_display().lower()}, not pending.",
            code="suggestion_not_pending",
        )
    if variant.price != suggestion.current_price:
        raise ApplicationError(
            f"The price of {variant.sku} changed to {variant.price} since the suggestion was made; run pricing again.",
            code="price_changed_since_suggestion",
        )
    broken = price_guardrail_violations(variant=variant, price=float(suggestion.suggested_price))
    if broken:
        raise ApplicationError(
            f"{suggestion.suggested_price} is outside the guardrails of {variant.sku} as they are now.",
            code="outside_guardrails",
            details={"suggested_price": [f"Breaks {broken} guardrail rule(s)."]},
        )
    automatic = approved_by is None
    who = "automatic" if automatic else f"approved by {approved_by.get_username()}"
    change = variant_price_set(
        variant=variant,
        price=suggestion.suggested_price,
        reason=f"Dynamic pricing ({suggestion.model_label}, {who})"[:200],
        changed_by=approved_by,
    )
    PriceChangeAudit.objects.create(
        price_change=change,
        suggestion=suggestion,
        model_label=suggestion.model_label,
        model_version_id=suggestion.model_version_id,
        approved_by=approved_by,
        automatic=automatic,
        expected_units_before=suggestion.expected_units_current,
        expected_units_after=suggestion.expected_units,
        expected_profit_before=suggestion.expected_profit_current,
        expected_profit_after=suggestion.expected_profit,
    )
    suggestion.status = PriceSuggestion.Status.APPLIED
    suggestion.decided_by = approved_by
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    return change


def price_suggestions_approve(*, suggestion_ids: list[int], approved_by) -> tuple[list[PriceChange], dict[int, str]]:
    """Approve and apply each suggestion on its own (one refusal does not block the others).
    Returns the price changes made and, per refused suggestion id, why."""
    found = {s.pk: s for s in PriceSuggestion.objects.filter(pk__in=suggestion_ids)}
    changes, errors = [], {}
    for suggestion_id in suggestion_ids:
        suggestion = found.get(suggestion_id)
        if suggestion is None:
            errors[suggestion_id] = "No such suggestion."
            continue
        try:
            changes.append(price_suggestion_apply(suggestion=suggestion, approved_by=approved_by))
        except ApplicationError as error:
            errors[suggestion_id] = error.message
    return changes, errors


def price_suggestions_reject(*, suggestion_ids: list[int], rejected_by) -> int:
    return PriceSuggestion.objects.filter(pk__in=suggestion_ids, status=PriceSuggestion.Status.PENDING).update(
        status=PriceSuggestion.Status.REJECTED, decided_by=rejected_by, decided_at=timezone.now()
    )


def price_suggestion_get(*, suggestion_id: int) -> PriceSuggestion:
    try:
        return PriceSuggestion.objects.select_related("variant__product").get(pk=suggestion_id)
    except PriceSuggestion.DoesNotExist:
        raise NotFoundError(f"No price suggestion {suggestion_id}.") from None
