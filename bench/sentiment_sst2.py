"""SST-2 (sentence level): train on its train split, report test accuracy; engine vs TF-IDF vs VADER.

    flock /tmp/heavy.lock nice -n 10 .venv/bin/python bench/sentiment_sst2.py [--members 5] [--epochs 2] [--seeds 0 1 2]

Reads ../shared/datasets/sst2 (stsa.binary.train / .dev / .test, Kim 2014's split: 6,920 training,
872 dev and 1,821 test sentences). Only the train split is used for fitting (each member of the
engine holds out its own 10% of it; those rows weigh the lexical part and calibrate the
probabilities). The dev split is the validation set that settings are chosen on; it is scored and
printed beside the test split, never trained on. For an ensemble the accuracy of each member alone
and of the first k members averaged is printed too (dev and test).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml.text.calibration import softmax  # noqa: E402
from sentiment.ml import baselines, classifier, metrics  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "sst2"


def read(name: str) -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        label, text = line.split(" ", 1)
        texts.append(text)
        labels.append(2 if label == "1" else 0)
    return texts, np.array(labels)


class ProgressPrinter:
    """Prints the fit's progress at every quarter, with the seconds since the fit started."""

    def __init__(self):
        self.started = time.perf_counter()
        self.next_mark = 0.25

    def __call__(self, fraction: float) -> None:
        if fraction >= self.next_mark:
            print(f"  fit {fraction:.0%} after {time.perf_counter() - self.started:.0f} s", flush=True)
            self.next_mark += 0.25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune-layers", type=int, default=classifier.ClassifierParams.tune_layers)
    parser.add_argument("--epochs", type=int, default=classifier.ClassifierParams.epochs)
    parser.add_argument("--learning-rate", type=float, default=classifier.ClassifierParams.learning_rate)
    parser.add_argument("--members", type=int, default=classifier.ClassifierParams.members)
    parser.add_argument("--layer-decay", type=float, default=classifier.ClassifierParams.layer_decay)
    parser.add_argument("--no-lexical", action="store_true", help="the network(s) alone, without the lexical part")
    parser.add_argument("--no-cross-fit", action="store_true", help="every member holds out the same rows")
    parser.add_argument("--precision", default=classifier.ClassifierParams.precision, choices=classifier.PRECISIONS)
    parser.add_argument("--batch-size", type=int, default=classifier.ClassifierParams.batch_size)
    parser.add_argument("--save-logits", metavar="DIR", help="write each seed's member logits (dev, test) as .npz")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--train-limit", type=int, default=0, help="use only the first N training sentences")
    args = parser.parse_args()
    train_texts, train_labels = read("stsa.binary.train")
    if args.train_limit:
        train_texts, train_labels = train_texts[: args.train_limit], train_labels[: args.train_limit]
    dev_texts, dev_labels = read("stsa.binary.dev")
    test_texts, test_labels = read("stsa.binary.test")
    print(
        f"SST-2: {len(train_texts)} training, {len(dev_texts)} dev, {len(test_texts)} test sentences; "
        f"{args.threads} torch threads"
    )

    started = time.perf_counter()
    tfidf = baselines.tfidf_fit(train_texts, train_labels)
    tfidf_seconds = time.perf_counter() - started
    tfidf_scores = metrics.scores(tfidf.predict_proba(test_texts), test_labels)
    started = time.perf_counter()
    vader_scores = metrics.scores(baselines.VaderModel().predict_proba(test_texts), test_labels)
    vader_seconds = time.perf_counter() - started

    rows = []
    for seed in args.seeds:
        params = classifier.ClassifierParams(
            tune_layers=args.tune_layers,
            members=args.members,
            epochs=args.epochs,
            learning_rate=args.learning_rate,
            layer_decay=args.layer_decay,
            lexical=not args.no_lexical,
            cross_fit=not args.no_cross_fit,
            batch_size=args.batch_size,
            precision=args.precision,
            seed=seed,
            threads=args.threads,
        )
        model = classifier.fit(train_texts, train_labels, params=params, progress=ProgressPrinter())
        started = time.perf_counter()
        probabilities = model.predict_proba(test_texts)
        predict_seconds = time.perf_counter() - started
        result = metrics.scores(probabilities, test_labels)
        dev = metrics.scores(model.predict_proba(dev_texts), dev_labels)
        ece_raw = metrics.expected_calibration_error(
            softmax(np.log(np.clip(probabilities, 1e-12, 1)) * model.temperature), test_labels
        )
        ece = metrics.expected_calibration_error(probabilities, test_labels)
        rows.append((dev["accuracy"], result["accuracy"]))
        print(
            f"engine seed {seed}: {args.members} member(s), tune_layers {args.tune_layers}, {args.epochs} epochs, "
            f"lr {args.learning_rate:g} (layer decay {args.layer_decay:g}), batch {args.batch_size}, "
            f"{model.report.precision}: "
            f"dev accuracy {dev['accuracy']:.4f}; test accuracy {result['accuracy']:.4f}, "
            f"macro-F1 {result['macro_f1']:.4f}; fit {model.report.seconds:.0f} s wall, "
            f"{model.report.cpu_seconds:.0f} s CPU (frozen-part cache {model.report.cache_seconds:.0f} s, "
            f"members {[round(x) for x in model.report.member_seconds]} s), test scoring {predict_seconds:.1f} s; "
            f"lexical weight {model.lexical_weight:g} (fit {model.report.lexical_seconds:.0f} s); "
            f"temperature {model.temperature:.2f}, ECE {ece_raw:.3f} -> {ece:.3f}; "
            f"epoch losses {[[round(x, 3) for x in member] for member in model.report.epoch_losses]}",
            flush=True,
        )
        if args.members > 1:
            members_report(model, dev_texts, dev_labels, test_texts, test_labels)
        if args.save_logits:
            tag = (
                f"m{args.members}-t{args.tune_layers}-e{args.epochs}-lr{args.learning_rate:g}"
                f"-d{args.layer_decay:g}-b{args.batch_size}{'-nolex' if args.no_lexical else ''}"
                f"{'-nocf' if args.no_cross_fit else ''}"
            )
            Path(args.save_logits).mkdir(parents=True, exist_ok=True)
            np.savez(
                Path(args.save_logits) / f"{tag}-{model.report.precision}-s{seed}.npz",
                dev=model.member_logits(dev_texts),
                test=model.member_logits(test_texts),
                temperature=model.temperature,
            )
    print(
        f"TF-IDF + LR: accuracy {tfidf_scores['accuracy']:.4f}, macro-F1 {tfidf_scores['macro_f1']:.4f}, "
        f"fit {tfidf_seconds:.1f} s"
    )
    print(
        f"VADER: accuracy {vader_scores['accuracy']:.4f}, macro-F1 {vader_scores['macro_f1']:.4f}, "
        f"scoring {vader_seconds:.1f} s"
    )
    if len(rows) > 1:
        for name, values in (("dev", [dev for dev, _ in rows]), ("test", [test for _, test in rows])):
            spread = f"mean {np.mean(values):.4f}, min {min(values):.4f}, max {max(values):.4f}"
            print(f"engine {name} accuracy over {len(rows)} seeds: {spread}")


def members_report(model, dev_texts, dev_labels, test_texts, test_labels) -> None:
    """Accuracy of each member alone and of the first k members' mean logits, on dev and test."""
    for name, texts, labels in (("dev", dev_texts, dev_labels), ("test", test_texts, test_labels)):
        logits = model.member_logits(texts)
        alone = [metrics.scores(softmax(member), labels)["accuracy"] for member in logits]
        first_k = [
            metrics.scores(softmax(logits[:k].mean(axis=0)), labels)["accuracy"] for k in range(1, len(logits) + 1)
        ]
        rounded = [round(x, 4) for x in first_k]
        print(f"  {name}: members alone {[round(x, 4) for x in alone]}, first k averaged {rounded}")


if __name__ == "__main__":
    main()
