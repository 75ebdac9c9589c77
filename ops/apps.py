from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        """After every `migrate`: the store's periodic schedules (ops.schedules).

        post_migrate rather than a data migration: it runs with the kinds registered now, so a
        model kind added later gets its nightly schedule on the next migrate.
        """
        post_migrate.connect(_schedules_ensure, sender=self, dispatch_uid="ops.schedules_ensure")


def _schedules_ensure(sender, using, **kwargs) -> None:
    from django_celery_beat.models import PeriodicTask

    from ops.schedules import schedules_ensure

    if PeriodicTask._meta.db_table in connections[using].introspection.table_names():
        schedules_ensure()
