"""`python manage.py train <kind|all> [--sync] [--missing]`: train models from the shell.

Without --sync the runs are queued for a worker (the same service as the admin's "Retrain now")
and their ids printed; `all` queues the quickest kinds first. With --sync each run trains in this
process, with a progress bar.
--missing skips kinds that already have a champion or a run queued or running (`make run` uses
it so a first start trains everything and a restart trains nothing).
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm.contrib.logging import logging_redirect_tqdm

from core.errors import ApplicationError
from core.progress import fraction_bar
from events.services import interactions_flush
from ml import kinds, selectors, services
from ml.models import TrainingRun


class Command(BaseCommand):
    help = "Train a model kind (or all kinds): queued for a worker, or in this process with --sync."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", help=f"A model kind or 'all'. Known kinds: {', '.join(kinds.kind_names())}.")
        parser.add_argument("--sync", action="store_true", help="Train here and now, with a progress bar.")
        parser.add_argument(
            "--missing", action="store_true", help="Only kinds without a champion and without a run under way."
        )

    def handle(self, *args, kind: str, sync: bool, missing: bool, **options) -> None:
        names = kinds.quickest_first(kinds.kind_names()) if kind == "all" else [kind]
        try:
            for name in names:
                kinds.kind_get(name)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        if missing:
            names = selectors.kinds_needing_training(names=names)
            if not names:
                self.stdout.write("Every model kind has a champion or a run under way; nothing to train.")
        interactions_flush()  # events buffered by this process belong in the training data
        failed = []
        for name in names:
            if not sync:
                run = services.training_run_enqueue(kind=name, trigger=TrainingRun.Trigger.COMMAND)
                self.stdout.write(f"Queued {name} run {run.pk}.")
                continue
            run = self._train_here(name)
            if run.status == TrainingRun.Status.SUCCEEDED:
                version = run.version
                self.stdout.write(
                    self.style.SUCCESS(f"{name}: run {run.pk} made v{version.number}. {version.status_reason}")
                )
            else:
                failed.append(f"{name} run {run.pk}: {run.error}")
        if failed:
            raise CommandError("Training failed: " + "; ".join(failed))

    def _train_here(self, name: str) -> TrainingRun:
        run = services.training_run_create(kind=name, trigger=TrainingRun.Trigger.COMMAND)
        # log lines print above the bar instead of breaking it
        with fraction_bar(name, stream=self.stderr) as update, logging_redirect_tqdm():
            return services.training_run_execute(
                run_id=run.pk, on_progress=lambda percent, stage: update(percent / 100, stage)
            )
