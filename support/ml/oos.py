"""Out-of-scope detection: a threshold on a confidence score, tuned on held-out in-scope data.

The rule (`threshold_tune`): decline a message when its score is below t, with t as high as
possible while the held-out in-scope accuracy drops by at most `max_loss` (declining a message
that would have been misclassified anyway costs nothing). Out-of-scope examples, when there are
some, choose between scores (which one declines most of them at its own threshold); they never
move the threshold itself, so it does not over-fit the few out-of-scope examples there are.
"""

from dataclasses import dataclass

import numpy as np

SCORES = ("probability", "similarity", "combined")


@dataclass(frozen=True)
class ScoreScale:
    """Mean and spread of the in-scope held-out scores, to put probability and similarity on one scale."""

    probability_mean: float
    probability_std: float
    similarity_mean: float
    similarity_std: float

    @classmethod
    def fit(cls, probability: np.ndarray, similarity: np.ndarray) -> "ScoreScale":
        return cls(
            float(probability.mean()),
            float(max(probability.std(), 1e-6)),
            float(similarity.mean()),
            float(max(similarity.std(), 1e-6)),
        )

    def score(self, name: str, probability: np.ndarray, similarity: np.ndarray) -> np.ndarray:
        if name == "probability":
            return probability
        if name == "similarity":
            return similarity
        if name == "combined":
            return (probability - self.probability_mean) / self.probability_std + (
                similarity - self.similarity_mean
            ) / self.similarity_std
        raise ValueError(f"Unknown out-of-scope score {name!r}; expected one of {', '.join(SCORES)}.")


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
