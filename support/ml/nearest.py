"""The no-training fallback: the intent of the most similar example utterance, when it is similar enough."""

from dataclasses import dataclass

import numpy as np

from support.ml.engine import Prediction


@dataclass
class NearestExample:
    intents: list[str]
    vectors: np.ndarray  # (n, 384) unit rows
    encode: object  # texts -> unit vectors
    min_similarity: float = 0.6

    uses_shared_encoder = True

    def classify(self, text: str) -> Prediction:
        return self.classify_vector(self.encode([text])[0], text)

    def classify_vector(self, vector: np.ndarray, text: str) -> Prediction:
        if not self.intents:
            return Prediction(None, "", 0.0, 0.0, False)
        similarity = self.vectors @ vector
        row = int(np.argmax(similarity))
        best = float(similarity[row])
        in_scope = best >= self.min_similarity
        intent = self.intents[row]
        return Prediction(intent if in_scope else None, intent, best, best, in_scope, [(intent, best)])
