"""Latency of scoring ONE review on the CPU, as on submit: p50 / p95 over demo-like reviews.

    nice -n 10 .venv/bin/python bench/sentiment_latency.py [--repeats 300] [--threads 1]

Times `predict_proba([text])` of the engine (the network is built from the packaged encoder; a
forward pass costs the same whatever the trained weights are) and of the VADER baseline, and
the moderation rules and aspect candidates that run beside them. Texts are written like the demo
store's reviews (shop.demo.reviews). The first call (model load) is reported apart.
"""

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentiment.ml import aspects, baselines, classifier, moderation  # noqa: E402
from shop.demo.reviews import ASPECTS, review_compose  # noqa: E402


def texts(count: int) -> list[str]:
    rng = random.Random(0)
    result = []
    for _ in range(count):
        title, body = review_compose(
            rng=rng, rating=rng.randint(1, 5), family=rng.choice(sorted(ASPECTS)), noun="product", brand="Acme"
        )
        result.append(f"{title}. {body}")
    return result


def percentiles(seconds: list[float]) -> str:
    values = np.array(seconds) * 1000
    return f"p50 {np.percentile(values, 50):.1f} ms, p95 {np.percentile(values, 95):.1f} ms, max {values.max():.1f} ms"


def time_each(score, reviews: list[str]) -> list[float]:
    timings = []
    for text in reviews:
        started = time.perf_counter()
        score(text)
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (a web worker uses 1)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    reviews = texts(args.repeats)
    print(f"{args.repeats} demo-like reviews, mean {np.mean([len(t) for t in reviews]):.0f} characters; "
          f"{args.threads} torch thread(s)")  # fmt: skip

    started = time.perf_counter()
    tokenizer, network = classifier.network_build(tune_layers=2)
    engine = classifier.SentimentClassifier(
        tokenizer=tokenizer, network=network, params=classifier.ClassifierParams(), temperature=1.0
    )
    engine.predict_proba(["warm-up"])
    print(f"engine load + first call: {time.perf_counter() - started:.1f} s")
    print(f"engine, one review: {percentiles(time_each(lambda text: engine.predict_proba([text]), reviews))}")

    vader = baselines.VaderModel()
    print(f"VADER baseline, one review: {percentiles(time_each(lambda text: vader.predict_proba([text]), reviews))}")

    aspects.lexicon_opinion_words()
    probabilities = np.array([0.1, 0.1, 0.8])

    def rules(text: str) -> None:
        moderation.review_flags(text=text, rating=5, probabilities=probabilities, recent_order=False)
        for clause in aspects.clauses(text):
            aspects.candidates(clause)

    print(f"moderation rules + aspect candidates, one review: {percentiles(time_each(rules, reviews))}")


if __name__ == "__main__":
    main()
