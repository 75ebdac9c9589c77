"""Out-of-scope detection: a threshold on a confidence score, tuned on held-out in-scope data.

Three signals per message (engine.IntentEngine.signals):
- `probability`: the calibrated top probability of the head (the classic maximum softmax probability);
- `logit`: the head's largest raw logit, before the softmax normalises it away (max-logit scoring,
  Hendrycks et al., 2022: it keeps how strongly the message matches, not only how much better than
  the runner-up);
- `similarity`: the cosine similarity to the nearest training example in embedding space
  (nearest-neighbour OOD detection, Sun et al., 2022), which sees messages far from every example
  even when the head is sure of the least-bad intent.

The candidate scores (SCORES) are each signal alone and weighted sums of standardised signals. The
rule (`threshold_tune`): decline a message when its score is below t, with t as high as possible
while the held-out in-scope accuracy drops by at most `max_loss` (declining a message that would
have been misclassified anyway costs nothing). Out-of-scope examples (real ones, or held-out intents
playing the unknown) choose between the scores (which declines most of them at its own threshold);
they never move the threshold itself, so it does not over-fit the few out-of-scope examples there are.
"""

from dataclasses import dataclass

import numpy as np

SIGNALS = ("probability", "logit", "similarity")

# score name -> weight of each standardised signal; a single-signal score is the raw signal.
SCORES: dict[str, dict[str, float]] = {
    "probability": {"probability": 1.0},
    "logit": {"logit": 1.0},
    "similarity": {"similarity": 1.0},
    "combined": {"probability": 0.5, "similarity": 0.5},
    "logit+similarity@0.75": {"logit": 0.75, "similarity": 0.25},
    "logit+similarity@0.5": {"logit": 0.5, "similarity": 0.5},
    "logit+similarity@0.25": {"logit": 0.25, "similarity": 0.75},
}


@dataclass(frozen=True)
class ScoreScale:
    """Mean and spread of the in-scope held-out signals, to put them on one scale."""

    probability_mean: float
    probability_std: float
    similarity_mean: float
    similarity_std: float
    logit_mean: float = 0.0  # defaults: versions saved before the logit signal existed never combine it
    logit_std: float = 1.0

    @classmethod
    def fit(cls, signals: dict[str, np.ndarray]) -> "ScoreScale":
        spread = {name: (float(np.mean(signals[name])), float(max(np.std(signals[name]), 1e-6))) for name in SIGNALS}
        return cls(
            probability_mean=spread["probability"][0],
            probability_std=spread["probability"][1],
            similarity_mean=spread["similarity"][0],
            similarity_std=spread["similarity"][1],
            logit_mean=spread["logit"][0],
            logit_std=spread["logit"][1],
        )

    def score(self, name: str, signals: dict[str, np.ndarray]) -> np.ndarray:
        weights = SCORES.get(name)
        if weights is None:
            raise ValueError(f"Unknown out-of-scope score {name!r}; expected one of {', '.join(SCORES)}.")
        if len(weights) == 1:
            return np.asarray(signals[next(iter(weights))], dtype=np.float64)
        return sum(
            weight
            * (np.asarray(signals[signal], dtype=np.float64) - getattr(self, f"{signal}_mean"))
            / getattr(self, f"{signal}_std")
            for signal, weight in weights.items()
        )


def signals_concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {name: np.concatenate([part[name] for part in parts]) for name in SIGNALS}


def threshold_tune(*, scores: np.ndarray, correct: np.ndarray, max_loss: float) -> float:
    """The highest threshold that loses at most `max_loss` of in-scope accuracy on these rows.

    `scores` and `correct` (bool) are per held-out in-scope row. Rows scoring below the threshold
    are declined; a declined correct row is one point of accuracy lost, a declined wrong row none.
    """
    right = np.sort(scores[correct.astype(bool)])
    if len(right) == 0:
        return float("-inf")
    allowed = int(np.floor(max_loss * len(scores) + 1e-9))  # correct rows we may decline
    if allowed >= len(right):
        return float(right[-1])
    return float(right[allowed])


def recall_at(threshold: float, oos_scores: np.ndarray) -> float:
    return float((oos_scores < threshold).mean()) if len(oos_scores) else 0.0
