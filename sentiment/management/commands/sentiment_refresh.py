"""`python manage.py sentiment_refresh [--all] [--products N]`: score reviews and compute product aspects now.

What the nightly re-score and the 10-minute aspect task do, at once: after loading the demo store
(its reviews are bulk-inserted, so none is scored on submit), or after training a new champion.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from sentiment import inference, services


class Command(BaseCommand):
    help = (
        "Score every review not yet scored by the current sentiment champion (all of them with --all), "
        "then recompute the aspects of products whose reviews changed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Re-score every review, not only outdated ones.")
        parser.add_argument(
            "--products", type=int, default=100000, help="At most this many product summaries (default: all)."
        )

    def handle(self, *args, **options) -> None:
        if options["products"] < 0:
            raise CommandError("--products must be 0 or more.")
        started = time.perf_counter()
        scorer = inference.scorer_current()
        scored = services.reviews_rescore(only_outdated=not options["all"])
        self.stdout.write(f"Scored {scored} reviews with {scorer.label} in {time.perf_counter() - started:.1f} s.")
        started = time.perf_counter()
        refreshed = services.product_sentiments_refresh_stale(limit=options["products"])
        self.stdout.write(f"Computed the aspects of {refreshed} products in {time.perf_counter() - started:.1f} s.")
