"""Celery tasks of the support app, each named `support.tasks.<function>`."""

from celery import shared_task
from django.core.cache import cache

from ml.models import TrainingRun
from ml.services import training_run_enqueue
from support import services


@shared_task(name="support.tasks.support_intents_retrain")
def support_intents_retrain() -> int:
    """Queue a training run of the intent model (after staff changed intents or FAQs); returns the run id."""
    cache.delete(services.RETRAIN_LOCK_KEY)
    return training_run_enqueue(kind="support_intents", trigger=TrainingRun.Trigger.ADMIN).pk


@shared_task(name="support.tasks.ticket_reply_email_deliver")
def ticket_reply_email_deliver(email_id: int) -> bool:
    return services.ticket_reply_email_deliver(email_id=email_id)


@shared_task(name="support.tasks.ticket_reply_emails_deliver_pending")
def ticket_reply_emails_deliver_pending() -> int:
    """The periodic sweep (ops.schedules): reply emails whose task could not be queued or whose sending failed."""
    return services.ticket_reply_emails_deliver_pending()
