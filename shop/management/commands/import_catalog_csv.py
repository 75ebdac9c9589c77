"""`manage.py import_catalog_csv PATH [--dry-run]`: the admin's CSV import, from a shell."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from shop.csv_io import catalog_csv_import


class Command(BaseCommand):
    help = "Create or update products and variants from a catalog CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file, one row per variant (see shop/csv_io.py for the columns).")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report, write nothing.")

    def handle(self, *args, path: str, dry_run: bool, **options):
        try:
            with open(path, "rb") as file:
                summary = catalog_csv_import(file=file, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except ApplicationError as exc:
            for line in exc.details.get("errors", []):
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(str(summary)))
