from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class SentimentConfig(AppConfig):
    name = "sentiment"
    verbose_name = "Review sentiment"

    def ready(self) -> None:
        from ml.kinds import register
        from sentiment.kinds import SentimentKind

        register(SentimentKind())
        post_migrate.connect(_ensure_schedules, sender=self, dispatch_uid="sentiment.ensure_schedules")


def _ensure_schedules(sender, using, **kwargs) -> None:
    """The re-scoring and aspect schedules, after every migrate (like ml.apps does for training)."""
    from django_celery_beat.models import PeriodicTask

    from sentiment import services

    if PeriodicTask._meta.db_table not in set(connections[using].introspection.table_names()):
        return
    services.sentiment_schedules_ensure()
