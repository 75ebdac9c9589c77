from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy and data rights"

    def ready(self) -> None:
        from privacy import registry, services

        registry.autodiscover()
        post_migrate.connect(services.roles_ensure_after_migrate, dispatch_uid="privacy.roles")
