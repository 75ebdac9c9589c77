from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class SentimentConfig(AppConfig):
    name = "sentiment"
    verbose_name = "Review sentiment"

    def ready(self) -> None:
        from core.warmup import warm_up_step_register
        from ml.kinds import register
        from sentiment import receivers
        from sentiment.kinds import SentimentKind
        from sentiment.ml.aspects import lexicon_load
        from sentiment.selectors import product_page_sentiment
        from shop import extensions
        from shop.signals import review_written

        register(SentimentKind())
        warm_up_step_register("aspect lexicon", lexicon_load)
        review_written.connect(receivers.review_score_after_commit, dispatch_uid="sentiment.review_written")
        extensions.product_page_section_register(product_page_sentiment)
        extensions.review_field_register("sentiment", receivers.review_sentiment_field)
        post_migrate.connect(_ensure_schedules, sender=self, dispatch_uid="sentiment.ensure_schedules")


def _ensure_schedules(sender, using, **kwargs) -> None:
    """The re-scoring and aspect schedules, after every migrate (like ml.apps does for training)."""
    from django_celery_beat.models import PeriodicTask

    from sentiment import services

    if PeriodicTask._meta.db_table not in set(connections[using].introspection.table_names()):
        return
    services.sentiment_schedules_ensure()
