"""`python manage.py evaluate_uplift --train TRAIN.csv --test TEST.csv --treatment COLUMN --outcome COLUMN [--json]`.

Fits the uplift engine and the single-model baseline on an external randomised campaign and prints
how well each ranks the test file (Qini coefficient, AUUC, uplift in the top 10/20/30%) next to
random targeting (protocol and definitions: campaigns.ml.evaluation, the one the campaigns kind
uses). Bad files stop it with a message naming the file and line, and a non-zero exit.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from campaigns.ml.data import UpliftFileError
from campaigns.ml.evaluation import evaluate_files

JSON_HELP = """\
With --json, one JSON object is printed:
  {"train_rows", "test_rows", "treatment", "outcome", "outcome_kind": "binary" | "numeric",
   "features": [...], "categorical": [...], "test_treated_share", "test_uplift",
   "engine": {"learner", "qini", "auuc", "uplift_at": {"10%", "20%", "30%"}, "train_seconds"},
   "single_model": {the same}, "random": {"qini", "auuc", "uplift_at", "qini_sd", "auuc_sd", "draws"}}
An uplift_at value is null where the top slice holds no treated or no control customer."""


class Command(BaseCommand):
    help = """\
Fit the uplift engine (LightGBM) and a single-model baseline on TRAIN.csv, a randomised campaign,
and print the Qini coefficient, the AUUC and the uplift in the top 10/20/30% of TEST.csv ranked by
each, next to random targeting. Both files: CSV with a header row; the treatment column holds 0/1
(or true/false), the outcome column a number (0/1 for a response); every other column is a
feature (a column with any non-numeric cell in TRAIN.csv is categorical). Progress goes to stderr."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = JSON_HELP
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("--train", required=True, metavar="TRAIN.csv", help="The campaign to learn from.")
        parser.add_argument("--test", required=True, metavar="TEST.csv", help="The campaign to rank.")
        parser.add_argument(
            "--treatment",
            required=True,
            metavar="COLUMN",
            help="Treated 1, control 0 (or 1.0/0.0, true/false, yes/no)",
        )
        parser.add_argument("--outcome", required=True, metavar="COLUMN", help="The numeric outcome column.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a table.")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options) -> None:
        try:
            result = evaluate_files(
                options["train"],
                options["test"],
                treatment=options["treatment"],
                outcome=options["outcome"],
                seed=options["seed"],
                progress=lambda line: self.stderr.write(f"evaluate_uplift: {line}"),
            )
        except UpliftFileError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self._table(result)

    def _table(self, result: dict) -> None:
        categorical = f" (categorical: {', '.join(result['categorical'])})" if result["categorical"] else ""
        self.stdout.write(
            f"{result['train_rows']} training rows, {result['test_rows']} test rows "
            f"({result['test_treated_share']:.1%} treated); outcome {result['outcome']} ({result['outcome_kind']}), "
            f"test uplift {result['test_uplift']:+.4f}\nfeatures: {', '.join(result['features'])}{categorical}"
        )
        self.stdout.write(f"{'ranking':<44} {'Qini':>8} {'AUUC':>9} {'top 10%':>8} {'top 20%':>8} {'top 30%':>8}")
        random = result["random"]
        rows = [
            (f"engine ({result['engine']['learner']}, LightGBM)", result["engine"]),
            ("single model (LightGBM, treatment a feature)", result["single_model"]),
            (f"random targeting (mean of {random['draws']} orders)", random),
        ]
        for name, row in rows:
            at = " ".join(f"{'-' if value is None else f'{value:+.4f}':>8}" for value in row["uplift_at"].values())
            self.stdout.write(f"{name:<44} {row['qini']:>8.4f} {row['auuc']:>9.5f} {at}")
        self.stdout.write(
            f"chance alone moves the Qini by about {random['qini_sd']:.4f} (sd) and the AUUC by {random['auuc_sd']:.5f}"
        )
