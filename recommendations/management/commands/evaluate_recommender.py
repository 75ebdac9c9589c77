"""`python manage.py evaluate_recommender --train TRAIN.csv --test TEST.csv [--k 10] [--json]`.

Trains the shop's recommendation engine on an external interaction file and measures it against
popularity on a test file (protocol: recommendations.ml.evaluation). Bad files stop it with a
message naming the file and line, and a non-zero exit.
"""

import argparse
import json

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from core.errors import ApplicationError
from ml.device import select_device
from recommendations.ml import evaluation
from recommendations.ml.interactions import InteractionFileError, interactions_read_csv

METRICS = (
    ("precision_at_{k}", "precision@{k}"),
    ("recall_at_{k}", "recall@{k}"),
    ("ndcg_at_{k}", "NDCG@{k}"),
    ("map_at_{k}", "MAP@{k}"),
    ("hit_rate_at_{k}", "hit rate@{k}"),
    ("coverage", "catalog coverage"),
)

JSON_HELP = """\
With --json, one JSON object is printed:
  {"k": 10,
   "engine": {"precision_at_10": ..., "recall_at_10": ..., "ndcg_at_10": ..., "map_at_10": ...,
              "hit_rate_at_10": ..., "coverage": ...},
   "popularity": {same keys},
   "train_seconds": hyper-parameter search plus final fit, "tune_seconds": the search alone,
   "trials": search trials, "engine_params": {"factors", "regularization", "alpha", "iterations",
   "confidence"}, "device": "cpu" or "cuda", "validation": "random", "latest" or "none",
   "users_evaluated": ..., "test_users": ..., "test_users_unknown": test users absent from
   the training file (skipped), "train_interactions": ..., "train_users": ...,
   "train_items": ...}
Metric keys carry the chosen k (e.g. ndcg_at_5 with --k 5)."""


class Command(BaseCommand):
    help = """\
Train the recommendation engine on TRAIN.csv and print precision, recall, NDCG, MAP and hit
rate at k and catalog coverage on TEST.csv, for the engine and for popularity, with the
training time. Both files: CSV with a header row naming user_id and item_id (string ids),
optionally weight (a number > 0, default 1) and timestamp (Unix seconds or ISO 8601). In
TEST.csv only which items each user has counts; its weights are checked but not used."""
    requires_system_checks = []  # reads files only; no database or URL configuration involved

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter
        parser.epilog = JSON_HELP
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("--train", required=True, metavar="TRAIN.csv", help="Interactions to learn from.")
        parser.add_argument("--test", required=True, metavar="TEST.csv", help="Interactions to find.")
        parser.add_argument("--k", type=int, default=10, help="Length of each ranked list (default 10).")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object (described below)."
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed of the validation folds and ALS (default 0).")
        parser.add_argument(
            "--tune-seconds",
            type=float,
            default=30.0,
            help="Time budget of the hyper-parameter search on the training file (default 30).",
        )

    def handle(self, *args, train: str, test: str, k: int, as_json: bool, seed: int, tune_seconds: float, **options):
        if k < 1:
            raise CommandError(f"--k must be at least 1, not {k}.")
        if tune_seconds < 0:
            raise CommandError(f"--tune-seconds must not be negative, not {tune_seconds}.")
        try:
            result = evaluation.evaluate(
                interactions_read_csv(train),
                interactions_read_csv(test),
                k=k,
                seed=seed,
                tune_seconds=tune_seconds,
                device=select_device(framework="implicit"),
            )
        except (InteractionFileError, evaluation.EvaluationError) as exc:
            raise CommandError(str(exc)) from None
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(json.dumps(result.as_dict()) if as_json else self._table(result))

    def _table(self, evaluated: evaluation.Evaluation) -> str:
        result, k = evaluated.result, evaluated.k
        params = ", ".join(f"{name} {value}" for name, value in evaluated.params.as_dict().items())
        lines = [
            f"Trained on {evaluated.train_interactions:,} interactions ({evaluated.train_users:,} users, "
            f"{evaluated.train_items:,} items) on {evaluated.device} in {evaluated.train_seconds:.1f} s "
            f"(hyper-parameter search {evaluated.tune_seconds:.1f} s: {evaluated.trials} trials on "
            f"{evaluated.validation} validation folds of the training file).",
            f"Engine: implicit ALS with {params}.",
            f"Evaluated {result.users_evaluated:,} of {result.users_held_out:,} test users at k = {k} "
            f"({result.users_unknown:,} unknown in the training file, skipped).",
            "",
            f"{'metric':<18}{'engine':>10}{'popularity':>12}",
        ]
        for key, label in METRICS:
            name = key.format(k=k)
            lines.append(f"{label.format(k=k):<18}{result.engine[name]:>10.4f}{result.popularity[name]:>12.4f}")
        return "\n".join(lines)


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's help layout, with the description and the JSON shape printed as written."""
