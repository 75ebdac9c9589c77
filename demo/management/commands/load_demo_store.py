"""`manage.py load_demo_store [--scale small|medium|large] [--seed N] [--products N] [--if-empty]` (run by `make run`).

Loads a deterministic demo store (catalog, customers, orders, reviews, browsing events) into an
empty catalog. docs/demo-data.md describes what it generates.
"""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from demo.loader import DEFAULT_SEED, demo_store_load

SCALES = ("small", "medium", "large")


class Command(BaseCommand):
    help = "Load the demo store into an empty catalog (same seed, same store). Progress goes to stderr."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default="small",
            help="small: 520 products, 21k orders (about 30 s); medium: 10k products (about 40 s); "
            "large: 100k products, 2M events (a few minutes).",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED}).")
        parser.add_argument(
            "--products", type=int, help="Override the scale's number of products (e.g. 50000 for the benchmark)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (and succeed) if the catalog already has data."
        )

    def handle(self, *args, scale: str, seed: int, if_empty: bool, products: int | None, verbosity: int, **options):
        try:
            result = demo_store_load(
                scale=scale, seed=seed, if_empty=if_empty, progress=verbosity > 0, products=products
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if not result.loaded:
            self.stdout.write(result.message)
            return
        self.stdout.write(self.style.SUCCESS(f"{result.message} Took {result.seconds:.0f} s."))
        for name, count in result.counts.items():
            self.stdout.write(f"  {name}: {count:,}")
