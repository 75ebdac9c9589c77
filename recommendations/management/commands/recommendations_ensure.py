"""`python manage.py recommendations_ensure [--tune-seconds S]`: make sure the shop has published recommendations.

For `make run` after the demo load: when the `als` kind has no champion with published lists
(a fresh store, or a champion trained before publishing existed), train one here and now with
the platform's own service (quality gate included) and publish it. Otherwise it does nothing,
so it is cheap to run on every start. Exits non-zero with the run's error when training fails.
"""

from django.core.management.base import BaseCommand, CommandError

from events.services import interactions_flush
from ml.models import TrainingRun
from ml.selectors import champion_artifact
from ml.services import training_run_create, training_run_execute
from recommendations.models import Publication


class Command(BaseCommand):
    help = "Train and publish the `als` recommender when no published champion exists."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--tune-seconds",
            type=float,
            default=0.0,
            help="Hyper-parameter search budget (default 0: the engine's defaults, fastest).",
        )

    def handle(self, *args, tune_seconds: float, **options) -> None:
        if tune_seconds < 0:
            raise CommandError("--tune-seconds must be 0 or more.")
        champion = champion_artifact(kind="als")  # the registry itself, not this process's loader cache
        if champion is not None and Publication.objects.filter(version_id=champion["version_id"]).exists():
            self.stdout.write(f"Recommendations are published (als v{champion['number']}); nothing to do.")
            return
        interactions_flush()
        run = training_run_create(
            kind="als", trigger=TrainingRun.Trigger.COMMAND, params={"tune_seconds": tune_seconds}
        )
        run = training_run_execute(run_id=run.pk)
        if run.status != TrainingRun.Status.SUCCEEDED:
            raise CommandError(f"Training the recommender failed: {run.error}")
        self.stdout.write(
            self.style.SUCCESS(f"als v{run.version.number} trained and published. {run.version.status_reason}")
        )
