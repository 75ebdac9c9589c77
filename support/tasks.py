"""Celery tasks of the support app."""

from celery import shared_task
from django.core.cache import cache

from ml.models import TrainingRun
from ml.services import training_run_enqueue
from support.services import RETRAIN_LOCK_KEY, ticket_reply_email_deliver, ticket_reply_emails_deliver_pending


@shared_task(name="support.tasks.support_intents_retrain")
def support_intents_retrain() -> int:
    """Queue a training run of the intent model (after staff changed intents or FAQs); returns the run id."""
    cache.delete(RETRAIN_LOCK_KEY)
    return training_run_enqueue(kind="support_intents", trigger=TrainingRun.Trigger.ADMIN).pk


@shared_task(name="support.tasks.ticket_reply_email_deliver")
def ticket_reply_email_deliver_task(email_id: int) -> bool:
    return ticket_reply_email_deliver(email_id=email_id)


@shared_task(name="support.tasks.ticket_reply_emails_deliver_pending")
def ticket_reply_emails_deliver_pending_task() -> int:
    """The periodic sweep (support.apps): reply emails whose task could not be queued or whose sending failed."""
    return ticket_reply_emails_deliver_pending()
