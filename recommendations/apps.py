from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"

    def ready(self) -> None:
        from ml.kinds import register
        from recommendations.kinds import AlsKind, PopularityKind

        register(PopularityKind())
        register(AlsKind())
