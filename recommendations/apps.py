from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from ml.kinds import register
        from recommendations import receivers
        from recommendations.kinds import AlsKind, PopularityKind
        from recommendations.models import Publication

        register(PopularityKind())
        register(AlsKind())
        post_delete.connect(receivers.publication_deleted, sender=Publication, dispatch_uid="recs.publication_deleted")
