"""`python manage.py seed_support`: add the default intents, examples and FAQ entries that are missing."""

from django.core.management.base import BaseCommand

from support.services import support_defaults_seed


class Command(BaseCommand):
    help = "Create the support bot's default intents, examples and FAQ entries that are missing (never overwrites)."

    def handle(self, *args, **options):
        added = support_defaults_seed()
        self.stdout.write(f"Support defaults: {added} rows added.")
