from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from prometheus_client import REGISTRY

        from core.metrics import StoreCollector

        REGISTRY.register(StoreCollector())
