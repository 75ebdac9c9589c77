"""`python manage.py evaluate_sentiment --train TRAIN.csv --test TEST.csv [--json]`.

Trains the sentiment engine on an external file and prints accuracy and macro-F1 on the test
file next to the TF-IDF + logistic regression baseline (and VADER), with training times (protocol:
sentiment.ml.evaluation, the one the `sentiment` kind uses). Without --train it scores the test file
with the store's current champion (transfer to new data). Bad files stop it with a message naming
the file and line, and a non-zero exit. Stages and a bar with an ETA go to stderr (core.progress).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from core.progress import Stages
from ml.device import select_device
from sentiment.inference import scorer_current
from sentiment.ml import classifier, evaluation, stacked
from sentiment.ml.datasets import DatasetError, labelled_csv_read
from sentiment.ml.engine import ENGINES, engine_resolve

JSON_HELP = """\
With --json, one JSON object is printed:
  {"test_rows": ..., "test_labels": "names" | "binary" | "stars", "train_rows": ... or null,
   "engine": {"accuracy": ..., "macro_f1": ..., "train_seconds": ... or null, "model": "..."},
   "tfidf": {"accuracy", "macro_f1", "train_seconds"} or null without --train,
   "vader": {"accuracy", "macro_f1"}, "device": "cpu" or "cuda"}"""


class Command(BaseCommand):
    help = """\
Train the sentiment engine on TRAIN.csv and print accuracy and macro-F1 on TEST.csv for the
engine and the TF-IDF + logistic regression baseline side by side (and VADER), with training
times. Without --train, the store's current champion scores TEST.csv. Both files: CSV with a
header row naming text and label; label is negative/neutral/positive, 0/1, or 1-5 stars (1-2
negative, 3 neutral, 4-5 positive)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = JSON_HELP
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("--train", metavar="TRAIN.csv", help="Labelled texts to learn from.")
        parser.add_argument("--test", required=True, metavar="TEST.csv", help="Labelled texts to score.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a table.")
        parser.add_argument(
            "--engine",
            choices=ENGINES,
            default="auto",
            help="stacked: frozen encoder + n-grams (minutes on a CPU); ensemble: fine-tuned encoders (the "
            "options below; half an hour and more on a CPU); auto: ensemble on a GPU, else stacked (default).",
        )
        parser.add_argument(
            "--tune-layers",
            type=int,
            default=classifier.ClassifierParams.tune_layers,
            help="Encoder layers to fine-tune (0 = frozen encoder; default %(default)s).",
        )
        parser.add_argument(
            "--members",
            type=int,
            default=classifier.ClassifierParams.members,
            help="Fine-tuned copies averaged (1 = one model; default %(default)s).",
        )
        parser.add_argument("--epochs", type=int, default=classifier.ClassifierParams.epochs)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options) -> None:
        stages = Stages(2, stream=self.stderr, enabled=options["verbosity"] > 0)
        try:
            with stages("Reading the labelled files"):
                test = labelled_csv_read(options["test"])
                train = labelled_csv_read(options["train"]) if options["train"] else None
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
        result = {
            "test_rows": len(test.texts),
            "test_labels": test.scheme,
            "train_rows": len(train.texts) if train else None,
            "device": "cpu",
        }
        if train is not None:
            if len(set(train.labels.tolist())) < 2:
                raise CommandError(f"{options['train']}: the labels name only one class; training needs two or more.")
            device = select_device(framework="torch")
            result["device"] = device
            try:
                engine = engine_resolve(options["engine"], device)
                params = classifier.ClassifierParams(
                    tune_layers=options["tune_layers"],
                    members=options["members"],
                    epochs=options["epochs"],
                    seed=options["seed"],
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            title = f"Training the {engine} engine on {len(train.texts)} rows, scoring {len(test.texts)}"
            with stages.bar(title) as bar:
                measured = evaluation.evaluate_trained(
                    train_texts=train.texts,
                    train_labels=train.labels,
                    texts=test.texts,
                    labels=test.labels,
                    engine=engine,
                    params={"classifier": params.as_dict(), "stacked": stacked.StackedParams().as_dict()},
                    device=device,
                    progress=bar,
                )
            model = (
                "engine (stacked: frozen encoder + n-grams)"
                if engine == "stacked"
                else f"engine (tune_layers {params.tune_layers}, {params.members} members, {params.epochs} epochs)"
            )
            result["engine"] = {
                **measured.engine,
                "train_seconds": round(measured.engine_train_seconds, 2),
                "model": model,
            }
            result["tfidf"] = {**measured.tfidf, "train_seconds": round(measured.tfidf_train_seconds, 2)}
        else:
            with stages(f"Scoring {len(test.texts)} rows with the current champion and VADER"):
                scorer = scorer_current()
                probabilities = scorer.probabilities(test.texts)
                if probabilities is None:
                    raise CommandError("No sentiment model can score text here (not even the VADER baseline).")
                measured = evaluation.evaluate(probabilities=probabilities, texts=test.texts, labels=test.labels)
            result["engine"] = {**measured.engine, "train_seconds": None, "model": scorer.label}
            result["tfidf"] = None
        result["vader"] = measured.vader
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self._table(result)

    def _table(self, result: dict) -> None:
        train = f"{result['train_rows']} training rows, " if result["train_rows"] else ""
        self.stdout.write(
            f"{train}{result['test_rows']} test rows ({result['test_labels']} labels), {result['device']}"
        )
        self.stdout.write(f"{'model':<44} {'accuracy':>9} {'macro-F1':>9} {'train s':>8}")
        rows = [(result["engine"]["model"], result["engine"])]
        if result["tfidf"] is not None:
            rows.append(("TF-IDF + logistic regression", result["tfidf"]))
        rows.append(("VADER (no training)", {**result["vader"], "train_seconds": None}))
        for name, row in rows:
            seconds = "" if row["train_seconds"] is None else f"{row['train_seconds']:.1f}"
            self.stdout.write(f"{name:<44} {row['accuracy']:>9.4f} {row['macro_f1']:>9.4f} {seconds:>8}")
