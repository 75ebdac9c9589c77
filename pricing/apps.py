from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

SCHEDULE_NAME = "Nightly pricing run"


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = "Dynamic pricing"

    def ready(self) -> None:
        from ml.kinds import register
        from pricing.kinds import DemandKind

        register(DemandKind())
        post_migrate.connect(_schedule_ensure, sender=self, dispatch_uid="pricing.schedule_ensure")


def _schedule_ensure(sender, using, **kwargs) -> None:
    """The nightly pricing run, after the demand model's nightly retraining (created once; staff may
    change or disable it in the admin, it is never overwritten)."""
    import json

    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask._meta.db_table not in set(connections[using].introspection.table_names()):
        return
    hour, minute = settings.PRICING_RUN_AT
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=str(minute),
        hour=str(hour),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "task": "pricing.tasks.pricing_run_scheduled",
            "crontab": crontab,
            "kwargs": json.dumps({}),
            "description": "Suggests prices for every active variant; automatic categories are repriced at once.",
        },
    )
