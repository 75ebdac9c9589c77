"""`manage.py export_catalog_csv [--output PATH]`: the whole catalog in the import's CSV format."""

from django.core.management.base import BaseCommand, CommandError

from shop.csv_io import catalog_csv_export


class Command(BaseCommand):
    help = "Write every product and variant as CSV (the columns import_catalog_csv reads)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, output: str | None, **options):
        if output is None:
            catalog_csv_export(out=self.stdout)
            return
        try:
            with open(output, "w", newline="", encoding="utf-8") as file:
                rows = catalog_csv_export(out=file)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote {rows} variant rows to {output}.")
