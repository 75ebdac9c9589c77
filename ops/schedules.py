"""Every periodic schedule of the store, in one place.

Stored with django-celery-beat, so staff see and edit them in the admin (Periodic tasks). Each is
created after every `migrate` only when no periodic task of that name exists: a time changed or a
schedule disabled in the admin is never overwritten, and a deleted one comes back on the next
migrate (disable a schedule instead of deleting it). Only the task a schedule runs follows the code.

Tasks are named `<app>.tasks.<function>` (set explicitly with `@shared_task(name=...)`), after the
service they run; services address them by that name (core.task_queue). This module sits at the top of the layers
(docs/architecture.md) because it names tasks of every app.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from ml import kinds

# Names staff see in the admin; tests and docs refer to them.
TRAINING_REAP = "Fail lost training runs"
ORDER_EMAIL_SWEEP = "Order emails: send pending"
REPLY_EMAIL_SWEEP = "Support reply emails: send pending"
SENTIMENT_RESCORE = "Re-score reviews for a new sentiment champion"
SENTIMENT_ASPECTS = "Refresh stale product sentiment aspects"
PRICING_RUN = "Nightly pricing run"
PRIVACY_RETENTION = "Privacy: apply the retention periods"


@dataclass(frozen=True)
class Schedule:
    """One periodic task: daily at `at` (hour, minute, in TIME_ZONE) or every `every_minutes`."""

    name: str
    task: str
    description: str
    at: tuple[int, int] | None = None
    every_minutes: int | None = None
    kwargs: dict = field(default_factory=dict)


def schedules() -> list[Schedule]:
    """The schedules this store runs, with the model kinds registered now."""
    return [
        *(
            Schedule(
                name=f"Nightly retraining: {kind.name}",
                task="ml.tasks.training_run_scheduled",
                at=kind.nightly_at,
                kwargs={"kind": kind.name},
                description=f"Trains a new {kind.title} version; it is released if it passes the quality gate.",
            )
            for kind in kinds.kinds_all()
        ),
        Schedule(
            name=TRAINING_REAP,
            task="ml.tasks.training_runs_reap",
            every_minutes=5,
            description="Marks running trainings failed whose worker stopped reporting progress.",
        ),
        Schedule(
            name=ORDER_EMAIL_SWEEP,
            task="orders.tasks.order_emails_deliver_pending",
            every_minutes=1,
            description="Sends order emails whose task could not be queued or failed (broker, worker or mail down).",
        ),
        Schedule(
            name=REPLY_EMAIL_SWEEP,
            task="support.tasks.ticket_reply_emails_deliver_pending",
            every_minutes=1,
            description="Sends staff replies to support tickets whose email could not be queued or failed.",
        ),
        Schedule(
            name=SENTIMENT_RESCORE,
            task="sentiment.tasks.reviews_rescore",
            at=(5, 30),
            description="Re-scores reviews scored by an older model after a new sentiment champion is published "
            "(the nightly retraining runs at 04:00); does nothing when the champion did not change.",
        ),
        Schedule(
            name=SENTIMENT_ASPECTS,
            task="sentiment.tasks.product_sentiments_refresh_stale",
            every_minutes=10,
            description="Recomputes the liked/disliked aspects of products whose reviews changed.",
        ),
        Schedule(
            name=PRICING_RUN,
            task="pricing.tasks.pricing_run_scheduled",
            at=settings.PRICING_RUN_AT,
            description="Suggests prices for every active variant; automatic categories are repriced at once.",
        ),
        Schedule(
            name=PRIVACY_RETENTION,
            task="privacy.tasks.retention_apply",
            at=(3, 15),
            description="Pseudonymises old events, anonymises old chats and tickets, removes abandoned guest carts, "
            "dormant address books, old audit entries and expired exports (periods: Privacy, Retention policy); "
            "the counts are in the task's result.",
        ),
    ]


def schedules_ensure() -> int:
    """Create the periodic tasks that do not exist yet; returns how many were created."""
    created = 0
    for schedule in schedules():
        timing = {}
        if schedule.at is not None:
            hour, minute = schedule.at
            timing["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=str(minute),
                hour=str(hour),
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=settings.TIME_ZONE,
            )
        else:
            timing["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=schedule.every_minutes, period=IntervalSchedule.MINUTES
            )
        task, new = PeriodicTask.objects.get_or_create(
            name=schedule.name,
            defaults={
                "task": schedule.task,
                "kwargs": json.dumps(schedule.kwargs),
                "description": schedule.description,
                **timing,
            },
        )
        created += new
        if task.task != schedule.task:  # the code renamed the task: staff's timing and switch stay
            PeriodicTask.objects.filter(pk=task.pk).update(task=schedule.task)
    return created
