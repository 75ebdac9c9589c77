"""SST-2 (sentence level): train on its train split, report test accuracy; engine vs TF-IDF vs VADER.

    nice -n 10 .venv/bin/python bench/sentiment_sst2.py [--tune-layers 2] [--epochs 3] [--threads 2] [--seeds 0]

Reads ../shared/datasets/sst2 (stsa.binary.train / stsa.binary.test, Kim 2014's split: 6,920
training and 1,821 test sentences). Only the train split is used for fitting (the engine holds
10% of it out to calibrate its probabilities); the dev split is not used at all.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--train-limit", type=int, default=0, help="use only the first N training sentences")
    args = parser.parse_args()
    train_texts, train_labels = read("stsa.binary.train")
    if args.train_limit:
        train_texts, train_labels = train_texts[: args.train_limit], train_labels[: args.train_limit]
    test_texts, test_labels = read("stsa.binary.test")
    print(f"SST-2: {len(train_texts)} training, {len(test_texts)} test sentences; {args.threads} torch threads")

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
            epochs=args.epochs,
            learning_rate=args.learning_rate,
            seed=seed,
            threads=args.threads,
        )
        model = classifier.fit(train_texts, train_labels, params=params, progress=ProgressPrinter())
        started = time.perf_counter()
        probabilities = model.predict_proba(test_texts)
        predict_seconds = time.perf_counter() - started
        result = metrics.scores(probabilities, test_labels)
        ece_raw = metrics.expected_calibration_error(
            classifier.softmax(np.log(np.clip(probabilities, 1e-12, 1)) * model.temperature), test_labels
        )
        ece = metrics.expected_calibration_error(probabilities, test_labels)
        rows.append(result["accuracy"])
        print(
            f"engine seed {seed}: tune_layers {args.tune_layers}, {args.epochs} epochs: "
            f"accuracy {result['accuracy']:.4f}, macro-F1 {result['macro_f1']:.4f}, "
            f"fit {model.report.seconds:.0f} s wall, {model.report.cpu_seconds:.0f} s CPU "
            f"(frozen-part cache {model.report.cache_seconds:.0f} s), "
            f"test scoring {predict_seconds:.1f} s; temperature {model.temperature:.2f}, "
            f"ECE {ece_raw:.3f} -> {ece:.3f}; epoch losses {[round(x, 3) for x in model.report.epoch_losses]}",
            flush=True,
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
        spread = f"median {np.median(rows):.4f}, min {min(rows):.4f}, max {max(rows):.4f}"
        print(f"engine accuracy over {len(rows)} seeds: {spread}")


if __name__ == "__main__":
    main()
