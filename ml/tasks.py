"""Celery tasks of the ML platform. Each takes ids or names, calls one service, and is idempotent.

`training_run_execute` is routed to the `gpu` queue (settings.CELERY_TASK_ROUTES); the others run
on `default`. Only transient database errors are retried, with exponential backoff; a model's
own error fails its run at once (ml.services).
"""

from celery import Task, shared_task
from django.conf import settings

from ml import kinds, services
from ml.models import TrainingRun


class TrainingTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """Retries are used up (or the run vanished): fail the run so it does not stay `running`."""
        run_id = kwargs.get("run_id", args[0] if args else None)
        if TrainingRun.objects.filter(pk=run_id).exists():
            services.training_run_fail(run_id=run_id, error=f"Gave up after retries: {type(exc).__name__}: {exc}")


@shared_task(
    name="ml.tasks.training_run_execute",
    bind=True,
    base=TrainingTask,
    acks_late=True,  # a worker that dies before finishing leaves the message to be delivered again
    soft_time_limit=settings.ML_TRAINING_SOFT_TIME_LIMIT,
    time_limit=settings.ML_TRAINING_TIME_LIMIT,
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def training_run_execute(self, run_id: int) -> dict:
    run = services.training_run_execute(run_id=run_id, task_id=self.request.id, retries=self.request.retries)
    return {"run_id": run.pk, "status": run.status}


@shared_task(
    name="ml.tasks.training_run_scheduled", autoretry_for=services.TRANSIENT_ERRORS, retry_backoff=True, max_retries=3
)
def training_run_scheduled(kind: str) -> int:
    """The nightly retraining of one kind (a django-celery-beat periodic task): queues a run with the kind's
    `scheduled_params`."""
    params = kinds.kind_get(kind).scheduled_params or None
    return services.training_run_enqueue(kind=kind, trigger=TrainingRun.Trigger.SCHEDULE, params=params).pk


@shared_task(
    name="ml.tasks.training_runs_reap", autoretry_for=services.TRANSIENT_ERRORS, retry_backoff=True, max_retries=3
)
def training_runs_reap() -> int:
    return services.training_runs_reap()
