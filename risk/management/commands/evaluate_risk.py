"""`python manage.py evaluate_risk --train TRAIN.csv --test TEST.csv --label COLUMN [--time COLUMN]
[--account-time COLUMN] [--entities COL1,COL2,...] [--json]`.

Trains the risk engine on an external table of events and prints ROC-AUC, PR-AUC and recall at 1%
and 5% false-positive rate on the test table, next to a logistic-regression baseline on the raw
columns (protocol: risk.ml.evaluation, the one the `risk` kind uses). Bad files stop it with a
message naming the file and line, and a non-zero exit. Progress goes to stderr, one line per stage.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from risk.ml.datasets import DatasetError, events_csv_read
from risk.ml.evaluation import evaluate_files

METRICS = {
    "roc_auc": "ROC-AUC",
    "pr_auc": "PR-AUC",
    "recall_at_1pct_fpr": "recall@1%FPR",
    "recall_at_5pct_fpr": "recall@5%FPR",
}
JSON_HELP = """\
With --json, one JSON object is printed:
  {"train_rows", "test_rows", "train_fraud_share", "test_fraud_share", "features": [...],
   "engine": {"roc_auc", "pr_auc", "recall_at_1pct_fpr", "recall_at_5pct_fpr", "train_seconds"},
   "baseline": {the same}}"""


class Command(BaseCommand):
    help = """\
Train the risk engine on TRAIN.csv and print ROC-AUC, PR-AUC and recall at 1% and 5% false-positive
rate on TEST.csv, for the engine and a logistic-regression baseline on the raw columns. Both files:
CSV with a header row, one event per row, the label column 0 (legitimate) or 1 (fraud). The engine
derives velocity, history and account-age features from the entity columns and the times; every
other column is a feature whose type is detected."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = JSON_HELP
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("--train", required=True, metavar="TRAIN.csv", help="Labelled events to learn from.")
        parser.add_argument("--test", required=True, metavar="TEST.csv", help="Labelled events to score.")
        parser.add_argument("--label", required=True, metavar="COLUMN", help="The 0/1 column (1 = fraud).")
        parser.add_argument("--time", metavar="COLUMN", help="The event's date and time (velocity, hour, weekday).")
        parser.add_argument("--account-time", metavar="COLUMN", help="The account's creation date and time.")
        parser.add_argument(
            "--entities",
            default="",
            metavar="COL1,COL2,...",
            help="Columns naming who or what acts: user, device, IP, card.",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a table.")

    def handle(self, *args, **options) -> None:
        name = lambda value: value.strip().lower() if value else None  # noqa: E731  the reader lower-cases headers
        columns = {
            "label": name(options["label"]),
            "time": name(options["time"]),
            "account_time": name(options["account_time"]),
            "entities": [name(entity) for entity in options["entities"].split(",") if entity.strip()],
        }
        tables = []
        for which in ("train", "test"):
            self.stderr.write(f"reading {options[which]}")
            try:
                read = events_csv_read(options[which], **columns)
            except DatasetError as exc:
                raise CommandError(str(exc)) from None
            tables.append(read.frame.assign(**{columns["label"]: read.labels}))
        try:
            result = evaluate_files(*tables, **columns, progress=self.stderr.write)
        except ValueError as exc:  # too few frauds or good orders to train on
            raise CommandError(f"{options['train']}: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(
            f"{result['train_rows']} training rows ({result['train_fraud_share']:.2%} fraud), "
            f"{result['test_rows']} test rows ({result['test_fraud_share']:.2%} fraud), "
            f"{len(result['features'])} engine features"
        )
        self.stdout.write(f"{'model':<40}" + "".join(f"{title:>14}" for title in METRICS.values()) + f"{'train s':>9}")
        for key, title in (("engine", "risk engine (LightGBM)"), ("baseline", "logistic regression, raw columns")):
            row = result[key]
            self.stdout.write(
                f"{title:<40}"
                + "".join(f"{row[metric]:>14.4f}" for metric in METRICS)
                + f"{row['train_seconds']:>9.1f}"
            )
