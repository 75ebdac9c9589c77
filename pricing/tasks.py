"""Celery tasks of pricing: the nightly run (django-celery-beat) and runs started from the admin."""

from celery import shared_task

from ml.services import TRANSIENT_ERRORS
from pricing import services
from pricing.models import PricingRun


@shared_task(
    name="pricing.tasks.pricing_run_scheduled",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def pricing_run_scheduled() -> int:
    return services.pricing_run_execute(trigger=PricingRun.Trigger.SCHEDULE).pk


@shared_task(
    name="pricing.tasks.pricing_run_requested",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def pricing_run_requested(*, run_id: int) -> int:
    """A run queued from the admin (pricing.services.pricing_run_enqueue); idempotent per run id."""
    return services.pricing_run_queued_execute(run_id=run_id).pk
