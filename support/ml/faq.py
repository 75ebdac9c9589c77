"""FAQ retrieval: the FAQ entry whose question or variant is closest to a message (cosine similarity)."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FaqMatch:
    faq_id: int
    question: str
    similarity: float


@dataclass
class FaqIndex:
    faq_ids: list[int]
    questions: list[str]
    vectors: np.ndarray  # (n, 384) unit rows

    def best(self, vector: np.ndarray, *, among: set[int] | None = None) -> FaqMatch | None:
        """The nearest question (optionally only of the entries `among`), or None when the index is empty."""
        if not self.faq_ids:
            return None
        similarity = self.vectors @ vector
        if among is not None:
            allowed = np.array([faq_id in among for faq_id in self.faq_ids])
            if not allowed.any():
                return None
            similarity = np.where(allowed, similarity, -np.inf)
        row = int(np.argmax(similarity))
        return FaqMatch(self.faq_ids[row], self.questions[row], float(similarity[row]))


def faq_index_build(rows: list[tuple[int, str]], *, encode) -> FaqIndex:
    """An index of (faq id, question) rows; `encode(texts)` gives unit embeddings."""
    return FaqIndex([faq_id for faq_id, _ in rows], [q for _, q in rows], encode([q for _, q in rows]))
