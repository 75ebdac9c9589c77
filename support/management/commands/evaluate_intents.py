"""`python manage.py evaluate_intents --train TRAIN.csv --test TEST.csv [--oos-label oos] [--json]`.

Trains the support bot's intent engine (support.ml.engine) and the TF-IDF + logistic regression
baseline on TRAIN.csv and measures both on TEST.csv (protocol: support.ml.evaluation). Bad files
stop it with a message naming the file and line, and a non-zero exit.
"""

import argparse
import json

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from ml.device import select_device
from support.ml.data import IntentFileError, utterances_read_csv
from support.ml.engine import EngineParams
from support.ml.evaluation import EvaluationError, evaluate

JSON_HELP = """\
With --json, one JSON object is printed:
  {"engine": {"accuracy", "macro_f1", and with --oos-label: "in_scope_accuracy", "oos_recall",
              "in_scope_accuracy_all_answered"},
   "baseline": {same keys, TF-IDF + logistic regression},
   "engine_train_seconds", "engine_train_cpu_seconds", "baseline_train_seconds", "engine_predict_ms_per_message",
   "train_rows", "train_oos_rows", "test_rows", "test_oos_rows", "intents",
   "test_unknown_intent_rows", "engine_facts": {...}, "engine_params": {...}, "oos_label"}"""


class Command(BaseCommand):
    help = """\
Train the support bot's intent engine on TRAIN.csv and print accuracy and macro-F1 on TEST.csv
(with --oos-label also in-scope accuracy and out-of-scope recall), for the engine and for a
TF-IDF + logistic regression baseline, with the training times. Both files: CSV with a header
row naming text and intent. Rows labelled with --oos-label are never learnt as an intent: in
TRAIN.csv they only help choose the out-of-scope score; the decline threshold is tuned on a
held-out split of TRAIN.csv's in-scope rows."""
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter
        parser.epilog = JSON_HELP
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("--train", required=True, metavar="TRAIN.csv")
        parser.add_argument("--test", required=True, metavar="TEST.csv")
        parser.add_argument("--oos-label", default=None, help="The intent label that means out of scope, e.g. oos.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print one JSON object.")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--finetune-seconds",
            type=float,
            default=EngineParams.finetune_seconds,
            help=f"Time budget for fine-tuning the encoder (default {EngineParams.finetune_seconds:.0f}; 0: frozen).",
        )

    def handle(self, *args, train, test, oos_label, as_json, seed, finetune_seconds, **options):
        if finetune_seconds < 0:
            raise CommandError(f"--finetune-seconds must not be negative, not {finetune_seconds}.")
        if oos_label is not None and not oos_label.strip():
            raise CommandError("--oos-label must not be empty.")
        try:
            result = evaluate(
                utterances_read_csv(train),
                utterances_read_csv(test),
                oos_label=oos_label,
                params=EngineParams(finetune_seconds=finetune_seconds, seed=seed),
                device=select_device(framework="torch"),
            )
        except (IntentFileError, EvaluationError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(result.as_dict()) if as_json else _table(result))


def _table(result) -> str:
    facts = result.engine_facts
    encoder = f"fine-tuned {facts['finetune_epochs']:.2f} epochs" if "finetune_epochs" in facts else "frozen"
    lines = [
        f"Trained on {result.train_rows:,} rows ({result.intents} intents, {result.train_oos_rows:,} out-of-scope "
        f"rows used for the threshold only); tested on {result.test_rows:,} rows ({result.test_oos_rows:,} out of "
        f"scope, {result.test_unknown_intent_rows:,} with an intent unknown in training).",
        f"Engine: MiniLM {encoder} + TF-IDF softmax head, temperature {facts['temperature']:.2f}, out-of-scope score "
        f"{result.engine_params['oos_score']} >= {facts['oos_threshold']:.3f}.",
        "",
        f"{'metric':<34}{'engine':>10}{'tfidf+lr':>10}",
    ]
    for name in result.engine:
        lines.append(f"{name:<34}{result.engine[name]:>10.4f}{result.baseline[name]:>10.4f}")
    lines.append(f"{'training seconds':<34}{result.engine_train_seconds:>10.1f}{result.baseline_train_seconds:>10.1f}")
    lines.append(f"{'engine training CPU seconds':<34}{result.engine_train_cpu_seconds:>10.1f}")
    lines.append(f"{'engine ms per message (batched)':<34}{result.engine_predict_ms_per_message:>10.2f}")
    return "\n".join(lines)


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    pass
