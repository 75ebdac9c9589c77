from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        """After every `migrate`: the periodic sweep that sends order emails left pending (orders.services)."""
        post_migrate.connect(_ensure_email_sweep, sender=self, dispatch_uid="orders.ensure_email_sweep")


EMAIL_SWEEP_TASK_NAME = "Order emails: send pending"


def _ensure_email_sweep(sender, using, **kwargs) -> None:
    """Created once; a schedule changed or disabled in the admin is left as it is."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if PeriodicTask._meta.db_table not in connections[using].introspection.table_names():
        return
    every_minute, _ = IntervalSchedule.objects.using(using).get_or_create(every=1, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.using(using).get_or_create(
        name=EMAIL_SWEEP_TASK_NAME,
        defaults={
            "task": "orders.tasks.order_emails_deliver_pending",
            "interval": every_minute,
            "description": "Sends order emails whose task could not be queued or failed (broker, worker or mail down).",
        },
    )
