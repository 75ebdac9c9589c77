from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class MlConfig(AppConfig):
    name = "ml"
    verbose_name = "Machine learning"

    def ready(self) -> None:
        """Training and champion gauges for /metrics, champion loading in a web worker's warm-up, and
        after every `migrate` a registered model per kind (ml.services).

        post_migrate rather than a data migration: it runs with the kinds registered now, so a kind
        added later gets its registry row on the next migrate (and its schedule: ops.schedules).
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
    from ml import services
    from ml.models import RegisteredModel

    if RegisteredModel._meta.db_table not in connections[using].introspection.table_names():
        return  # e.g. `migrate ml zero`: there is nothing to fill
    services.registered_models_ensure()
