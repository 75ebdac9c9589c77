"""UCI Sentiment Labelled Sentences (Amazon, IMDB, Yelp; 1,000 each): k-fold cross-validated accuracy,
engine vs TF-IDF + logistic regression vs VADER, per data set.

    flock /tmp/heavy.lock nice -n 10 .venv/bin/python bench/sentiment_uci.py [--folds 5] [--members 5] [--sets amazon]

Reads ../shared/datasets/uci-sentiment-labelled-sentences (`sentence<TAB>label`, split on "\\n"
only: the IMDB file holds U+0085 characters that str.splitlines() would treat as line ends).
Folds are stratified and seeded; each fold trains the engine and TF-IDF on the other folds.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentiment.ml import baselines, classifier, metrics  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "uci-sentiment-labelled-sentences"
FILES = ("amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt")


def read(name: str) -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    for line in (DATA / name).read_text(encoding="utf-8").split("\n"):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        text, label = line.rsplit("\t", 1)
        texts.append(text.strip())
        labels.append(2 if label.strip() == "1" else 0)
    return texts, np.array(labels)


def folds(labels: np.ndarray, count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    assignment = np.empty(len(labels), dtype=np.int64)
    for label in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == label))
        assignment[rows] = np.arange(len(rows)) % count
    return [np.flatnonzero(assignment == fold) for fold in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--tune-layers", type=int, default=classifier.ClassifierParams.tune_layers)
    parser.add_argument("--epochs", type=int, default=classifier.ClassifierParams.epochs)
    parser.add_argument("--learning-rate", type=float, default=classifier.ClassifierParams.learning_rate)
    parser.add_argument("--members", type=int, default=classifier.ClassifierParams.members)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sets", nargs="+", choices=[name.split("_")[0] for name in FILES], help="only these data sets (default: all)"
    )
    args = parser.parse_args()
    print(
        f"UCI sentences, {args.folds}-fold CV, seed {args.seed}; engine tune_layers {args.tune_layers}, "
        f"{args.members} member(s), {args.epochs} epochs; {args.threads} torch threads"
    )
    vader = baselines.VaderModel()
    for name in FILES:
        if args.sets and name.split("_")[0] not in args.sets:
            continue
        texts, labels = read(name)
        results = {"engine": [], "tfidf": [], "vader": []}
        fit_seconds = {"engine": [], "tfidf": []}
        for held in folds(labels, args.folds, args.seed):
            mask = np.zeros(len(labels), dtype=bool)
            mask[held] = True
            train_texts = [text for text, out in zip(texts, mask, strict=True) if not out]
            test_texts = [texts[row] for row in held]
            params = classifier.ClassifierParams(
                tune_layers=args.tune_layers,
                members=args.members,
                epochs=args.epochs,
                learning_rate=args.learning_rate,
                seed=args.seed,
                threads=args.threads,
            )
            started = time.perf_counter()
            engine = classifier.fit(train_texts, labels[~mask], params=params)
            fit_seconds["engine"].append(time.perf_counter() - started)
            fit_seconds.setdefault("engine_cpu", []).append(engine.report.cpu_seconds)
            results["engine"].append(metrics.scores(engine.predict_proba(test_texts), labels[held])["accuracy"])
            started = time.perf_counter()
            tfidf = baselines.tfidf_fit(train_texts, labels[~mask])
            fit_seconds["tfidf"].append(time.perf_counter() - started)
            results["tfidf"].append(metrics.scores(tfidf.predict_proba(test_texts), labels[held])["accuracy"])
            results["vader"].append(metrics.scores(vader.predict_proba(test_texts), labels[held])["accuracy"])
        line = ", ".join(
            f"{model} {np.mean(values):.4f} (sd {np.std(values):.4f})" for model, values in results.items()
        )
        print(
            f"{name}: accuracy {line}; fit per fold: engine {np.median(fit_seconds['engine']):.0f} s wall "
            f"({np.median(fit_seconds['engine_cpu']):.0f} s CPU), "
            f"TF-IDF {np.median(fit_seconds['tfidf']):.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
