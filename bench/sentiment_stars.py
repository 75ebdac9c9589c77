"""Star-labelled reviews (Amazon, one SanDisk memory card; ../shared/datasets/amazon-sandisk-reviews-stars):
the fast engine (sentiment.ml.stacked) against TF-IDF + logistic regression and VADER, on a fixed
stratified 80/20 split of the stars (seed 11), with 5 classes (1-5 stars) and 3 (1-2 / 3 / 4-5).

    flock /tmp/heavy.lock nice -n 10 .venv/bin/python bench/sentiment_stars.py [--balance 0.5] [--also-balance 1 0]

Readouts tried on the 5-class engine (stars are ordered): the most probable star (argmax); the
expected star, rounded; an ordinal model (Frank & Hall: one regression per threshold "more than k
stars", on the same features); and for 3 classes, the 5-class probabilities summed per group beside
an engine trained on the 3 groups directly. The encoder runs once (vectors cached in the process).
"""

import argparse
import csv
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentiment.ml import baselines, stacked  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "amazon-sandisk-reviews-stars" / "amazon_reviews_sandisk.csv"
GROUPS = np.array([0, 0, 1, 2, 2])  # star index -> 1-2 / 3 / 4-5


def read() -> tuple[list[str], np.ndarray]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["reviewText"].strip()]
    return [row["reviewText"].strip() for row in rows], np.array([int(row["overall"]) - 1 for row in rows])


def split(labels: np.ndarray, *, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(len(labels)), test_size=share, stratify=labels, random_state=seed)


def scores(predicted: np.ndarray, labels: np.ndarray) -> str:
    from sklearn.metrics import accuracy_score, f1_score

    macro_f1 = f1_score(labels, predicted, average="macro")
    return f"accuracy {accuracy_score(labels, predicted):.4f}  macro-F1 {macro_f1:.4f}"


def grouped(probabilities: np.ndarray) -> np.ndarray:
    return np.stack([probabilities[:, group == GROUPS].sum(axis=1) for group in range(3)], axis=1)


def frank_hall(train_texts, train_stars, test_texts, params) -> np.ndarray:
    """Ordinal: P(stars > k) from one binary stacked model per threshold, differenced into 5 probabilities."""
    above = []
    for k in range(4):
        binary = stacked.stacked_fit(train_texts, (train_stars > k).astype(np.int64), params=params)
        above.append(binary.predict_proba(test_texts)[:, 1])
    above = np.minimum.accumulate(np.stack(above, axis=1), axis=1)
    cumulative = np.hstack([np.ones((len(test_texts), 1)), above, np.zeros((len(test_texts), 1))])
    return np.clip(cumulative[:, :-1] - cumulative[:, 1:], 0, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--c", type=float, default=stacked.StackedParams.c)
    parser.add_argument("--vector-weight", type=float, default=stacked.StackedParams.vector_weight)
    parser.add_argument("--balance", type=float, default=stacked.StackedParams.balance)
    parser.add_argument("--also-balance", type=float, nargs="*", default=[1.0, 0.0], help="other balances to compare")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    texts, stars = read()
    fit_rows, test_rows = split(stars, share=0.2, seed=args.seed)
    train_texts, test_texts = [texts[row] for row in fit_rows], [texts[row] for row in test_rows]
    train_stars, test_stars = stars[fit_rows], stars[test_rows]
    params = stacked.StackedParams(c=args.c, vector_weight=args.vector_weight, balance=args.balance)
    print(f"{len(texts)} reviews, stratified 80/20 split (seed {args.seed}): {len(fit_rows)} / {len(test_rows)}")
    print(f"stacked params {params.as_dict()}; {args.threads} torch threads", flush=True)

    started = time.perf_counter()
    engine5 = stacked.stacked_fit(train_texts, train_stars, params=params, width=5)
    first_fit = time.perf_counter() - started
    started = time.perf_counter()
    probabilities5 = engine5.predict_proba(test_texts, keep=True)
    score_seconds = time.perf_counter() - started
    print(f"engine fit (encoder included) {first_fit:.1f} s; scoring {len(test_rows)}: {score_seconds:.1f} s")
    started = time.perf_counter()
    tfidf5 = baselines.tfidf_fit(train_texts, train_stars)
    tfidf_seconds = time.perf_counter() - started
    tfidf_probabilities5 = np.zeros((len(test_rows), 5))
    tfidf_probabilities5[:, tfidf5.regression.classes_] = tfidf5.regression.predict_proba(
        tfidf5.vectorizer.transform(test_texts)
    )
    print(f"TF-IDF fit {tfidf_seconds:.1f} s", flush=True)
    print("\n5 classes (1-5 stars)")
    print(f"  TF-IDF + logistic regression     {scores(tfidf_probabilities5.argmax(1), test_stars)}")
    print(f"  engine, argmax                   {scores(probabilities5.argmax(1), test_stars)}")
    expected = np.clip(np.rint(probabilities5 @ np.arange(5)), 0, 4).astype(int)
    print(f"  engine, expected star rounded    {scores(expected, test_stars)}")
    started = time.perf_counter()
    ordinal = frank_hall(train_texts, train_stars, test_texts, params)
    seconds = time.perf_counter() - started
    print(f"  engine, ordinal (Frank & Hall)   {scores(ordinal.argmax(1), test_stars)}  ({seconds:.0f} s)")

    test_groups, train_groups = GROUPS[test_stars], GROUPS[train_stars]
    started = time.perf_counter()
    engine3 = stacked.stacked_fit(train_texts, train_groups, params=params)
    fit3 = time.perf_counter() - started
    tfidf3 = baselines.tfidf_fit(train_texts, train_groups)
    vader = baselines.VaderModel().predict_proba(test_texts)
    print("\n3 classes (1-2 / 3 / 4-5 stars)")
    print(f"  TF-IDF + LR, trained on 3        {scores(tfidf3.predict_proba(test_texts).argmax(1), test_groups)}")
    print(f"  TF-IDF + LR, 5 summed            {scores(grouped(tfidf_probabilities5).argmax(1), test_groups)}")
    print(f"  VADER                            {scores(vader.argmax(1), test_groups)}")
    print(f"  engine trained on 3              {scores(engine3.predict_proba(test_texts).argmax(1), test_groups)}")
    print(f"  engine, 5 summed                 {scores(grouped(probabilities5).argmax(1), test_groups)}")
    print(f"  engine, ordinal summed           {scores(grouped(ordinal).argmax(1), test_groups)}")
    print(f"\nengine fit on 3 classes with the vectors cached: {fit3:.1f} s")
    for balance in args.also_balance:
        other = replace(params, balance=balance)
        five = stacked.stacked_fit(train_texts, train_stars, params=other, width=5).predict_proba(test_texts)
        three = stacked.stacked_fit(train_texts, train_groups, params=other).predict_proba(test_texts)
        print(f"balance {balance}: 5 classes {scores(five.argmax(1), test_stars)}")
        print(f"balance {balance}: 3 classes {scores(three.argmax(1), test_groups)}", flush=True)


if __name__ == "__main__":
    main()
