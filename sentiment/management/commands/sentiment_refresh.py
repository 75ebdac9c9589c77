"""`python manage.py sentiment_refresh [--all] [--products N]`: score reviews and compute product aspects now.

What the nightly re-score and the 10-minute aspect task do, at once: after loading the demo store
(its reviews are bulk-inserted, so none is scored on submit), or after training a new champion.
"""

from django.core.management.base import BaseCommand, CommandError

from core.progress import Stages
from sentiment import inference, services


class Command(BaseCommand):
    help = (
        "Score every review not yet scored by the current sentiment champion (all of them with --all), "
        "then recompute the aspects of products whose reviews changed. Stages and a bar go to stderr."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Re-score every review, not only outdated ones.")
        parser.add_argument(
            "--products", type=int, default=100000, help="At most this many product summaries (default: all)."
        )

    def handle(self, *args, **options) -> None:
        if options["products"] < 0:
            raise CommandError("--products must be 0 or more.")
        stages = Stages(2, stream=self.stderr, enabled=options["verbosity"] > 0)
        scorer = inference.scorer_current()
        with stages(f"Scoring reviews with {scorer.label}"):
            scored = services.reviews_rescore(only_outdated=not options["all"])
        with stages.bar("Computing product aspects") as bar:
            refreshed = services.product_sentiments_refresh_stale(limit=options["products"], progress=bar)
        self.stdout.write(f"Scored {scored} reviews with {scorer.label}; computed the aspects of {refreshed} products.")
