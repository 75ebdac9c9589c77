from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class MlConfig(AppConfig):
    name = "ml"
    verbose_name = "Machine learning"

    def ready(self) -> None:
        """Training and champion gauges for /metrics, champion loading in a web worker's warm-up, and
        after every `migrate` a registered model per kind and the periodic schedules (ml.services).

        post_migrate rather than a data migration: it runs with the current models and the kinds
        registered now, so a kind added later gets its schedule on the next migrate.
        """
        from core.metrics import metric_source_register
        from core.warmup import warm_up_step_register
        from ml.loader import champions_warm
        from ml.metrics import champion_gauges, training_gauges

        metric_source_register(training_gauges)
        metric_source_register(champion_gauges)
        warm_up_step_register("champion models", champions_warm)
        post_migrate.connect(_ensure_registry_rows, sender=self, dispatch_uid="ml.ensure_registry_rows")


def _ensure_registry_rows(sender, using, **kwargs) -> None:
    from django_celery_beat.models import PeriodicTask

    from ml import services
    from ml.models import RegisteredModel

    tables = set(connections[using].introspection.table_names())
    if not {RegisteredModel._meta.db_table, PeriodicTask._meta.db_table} <= tables:
        return  # e.g. `migrate ml zero`: there is nothing to fill
    services.registered_models_ensure()
    services.training_schedules_ensure()
