"""Write one model kind's training data for a data scientist, pseudonymised (privacy.services.training_data_export)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from privacy import registry
from privacy.services import training_data_export


class Command(BaseCommand):
    help = (
        "Write the training data of a model kind as CSV files; people appear only as HMAC pseudonyms "
        "(keyed with PRIVACY_PSEUDONYM_KEY), never by e-mail or name."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted(registry.training_data_sources()))
        parser.add_argument("--out", required=True, type=Path, help="Folder to write the CSV files to.")

    def handle(self, *args, kind: str, out: Path, **options):
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a folder.")
        try:
            counts = training_data_export(kind=kind, out=out)
        except (ApplicationError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for name, rows in counts.items():
            self.stdout.write(f"{out / name}: {rows} rows")
