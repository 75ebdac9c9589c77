from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support bot"

    def ready(self) -> None:
        from core.warmup import warm_up_step_register
        from ml.kinds import register
        from support import inference
        from support.kinds import SupportIntentsKind

        register(SupportIntentsKind())
        # The bot's first answer loads the encoder, its champion and the FAQ index (seconds): do it before traffic.
        warm_up_step_register("support bot", lambda: inference.understand("hello"))
        post_migrate.connect(_seed_defaults, sender=self, dispatch_uid="support.seed_defaults")


def _seed_defaults(sender, using, **kwargs) -> None:
    """The default intents and FAQ after every migrate (only what is missing; staff edits are kept)."""
    from support.models import Intent
    from support.services import support_defaults_seed

    if Intent._meta.db_table in connections[using].introspection.table_names():
        support_defaults_seed()
