from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = "Dynamic pricing"

    def ready(self) -> None:
        from ml.kinds import register
        from pricing.kinds import DemandKind

        register(DemandKind())
