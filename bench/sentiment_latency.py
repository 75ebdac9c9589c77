"""Latency of scoring ONE review on the CPU, as on submit: p50 / p95 over demo-like reviews.

    flock /tmp/heavy.lock nice -n 10 .venv/bin/python bench/sentiment_latency.py [--repeats 300] [--members 5]

Times `predict_proba([text])` of the engine as it is saved by default: `--members` networks built
from the packaged encoder (a forward pass costs the same whatever the trained weights are) and the
lexical part, fitted on 2,000 other demo-like reviews. Beside it: the VADER baseline, and the
moderation rules and aspect candidates that run with every review. Texts are written like the
demo store's reviews (demo.reviews). The first call (model load) is reported apart.
"""

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.reviews import ASPECTS, review_compose  # noqa: E402
from sentiment.ml import aspects, baselines, classifier, lexical, moderation  # noqa: E402
from sentiment.ml.labels import label_from_stars  # noqa: E402


def texts(count: int, seed: int = 0) -> tuple[list[str], list[int]]:
    """Demo-like reviews and their stars."""
    rng = random.Random(seed)
    result, stars = [], []
    for _ in range(count):
        rating = rng.randint(1, 5)
        title, body = review_compose(
            rng=rng, rating=rating, family=rng.choice(sorted(ASPECTS)), noun="product", brand="Acme"
        )
        result.append(f"{title}. {body}")
        stars.append(rating)
    return result, stars


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
    parser.add_argument("--members", type=int, default=classifier.ClassifierParams.members, help="ensemble size")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    reviews, _stars = texts(args.repeats)
    print(f"{args.repeats} demo-like reviews, mean {np.mean([len(t) for t in reviews]):.0f} characters; "
          f"{args.threads} torch thread(s); engine of {args.members} member(s)")  # fmt: skip

    started = time.perf_counter()
    params = classifier.ClassifierParams(members=args.members)
    tokenizer, networks = classifier.networks_build(params.tune_layers, params.members)
    # The lexical part, as the engine keeps it, fitted on other demo-like reviews (its cost, not its accuracy, matters).
    lexical_texts, lexical_stars = texts(2000, seed=1)
    lexical_model = lexical.lexical_fit(lexical_texts, np.array([label_from_stars(stars) for stars in lexical_stars]))
    engine = classifier.SentimentClassifier(
        tokenizer=tokenizer,
        networks=networks,
        params=params,
        temperature=1.0,
        lexical_model=lexical_model,
        lexical_weight=1.0,
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
