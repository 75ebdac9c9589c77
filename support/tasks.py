"""Celery tasks of the support app."""

from celery import shared_task
from django.core.cache import cache

from ml.models import TrainingRun
from ml.services import training_run_enqueue


@shared_task
def support_intents_retrain() -> int:
    """Queue a training run of the intent model (after staff changed intents or FAQs); returns the run id."""
    from support.services import RETRAIN_LOCK_KEY

    cache.delete(RETRAIN_LOCK_KEY)
    return training_run_enqueue(kind="support_intents", trigger=TrainingRun.Trigger.ADMIN).pk
