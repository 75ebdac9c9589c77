"""The lexical part of the classifier: hashed word 1-3 gram and character 2-5 gram TF-IDF (sublinear
tf, each block L2-normalised) and a logistic regression, whose log-probabilities the classifier adds
to its network's logits (sentiment.ml.classifier, weight fitted on the calibration rows).

Why: it sees surface cues (rare words, spellings, negation n-grams) that a small fine-tuned encoder
misses, and costs well under a millisecond per text. Features are hashed, so nothing but arrays is
stored: `lexical.npz` (inverse document frequencies, coefficients, intercepts, classes), read with
`allow_pickle=False`.

    model = lexical_fit(texts, labels)
    model.log_proba(["love it"])   # (1, 3), 0 for classes it never saw
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sentiment.ml.labels import LABELS

HASH_FEATURES = 2**19  # per block (words, characters)
LEXICAL_FILE = "lexical.npz"
REGULARISATION_C = 4.0
LOG_FLOOR = -20.0  # log-probability given to a probability of (almost) 0


def _vectorizers():
    from sklearn.feature_extraction.text import HashingVectorizer

    common = {"n_features": HASH_FEATURES, "alternate_sign": False, "norm": None, "lowercase": True}
    return (
        HashingVectorizer(ngram_range=(1, 3), **common),
        HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common),
    )


def _tfidf(counts, idf: np.ndarray):
    """Sublinear tf x idf, rows L2-normalised (sklearn's TfidfTransformer, from stored arrays)."""
    from sklearn.preprocessing import normalize

    counts = counts.tocsr().astype(np.float64)
    counts.data = np.log(counts.data) + 1.0
    counts = counts.multiply(idf[np.newaxis, :]).tocsr()
    return normalize(counts, norm="l2", copy=False)


@dataclass
class LexicalModel:
    idf: np.ndarray  # (2, HASH_FEATURES): words, characters
    coef: np.ndarray  # (classes or 1 for two classes, 2 * HASH_FEATURES)
    intercept: np.ndarray
    classes: np.ndarray  # the label indices the regression saw

    def features(self, texts: Sequence[str]):
        from scipy.sparse import hstack

        pairs = zip(_vectorizers(), self.idf, strict=True)
        return hstack([_tfidf(vectorizer.transform(list(texts)), idf) for vectorizer, idf in pairs]).tocsr()

    def log_proba(self, texts: Sequence[str]) -> np.ndarray:
        scores = self.features(texts) @ self.coef.T + self.intercept
        if len(self.classes) == 2:  # sklearn's binary form: one score for the second class
            scores = np.hstack([-scores / 2, scores / 2])
        scores = scores - scores.max(axis=1, keepdims=True)
        log_probabilities = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        result = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        result[:, self.classes] = np.maximum(log_probabilities, LOG_FLOOR)
        return result


def lexical_fit(texts: Sequence[str], labels: np.ndarray) -> LexicalModel:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    counts = [vectorizer.transform(list(texts)) for vectorizer in _vectorizers()]
    idf = np.stack([TfidfTransformer(sublinear_tf=True).fit(block).idf_.astype(np.float32) for block in counts])
    features = hstack([_tfidf(block, block_idf) for block, block_idf in zip(counts, idf, strict=True)]).tocsr()
    regression = LogisticRegression(C=REGULARISATION_C, max_iter=3000).fit(features, np.asarray(labels))
    return LexicalModel(
        idf=idf,
        coef=regression.coef_.astype(np.float32),
        intercept=regression.intercept_.astype(np.float32),
        classes=regression.classes_.astype(np.int64),
    )


def lexical_save(model: LexicalModel, directory: Path) -> None:
    np.savez_compressed(
        Path(directory) / LEXICAL_FILE, idf=model.idf, coef=model.coef, intercept=model.intercept, classes=model.classes
    )


def lexical_load(directory: Path) -> LexicalModel:
    path = Path(directory) / LEXICAL_FILE
    with np.load(path, allow_pickle=False) as arrays:
        model = LexicalModel(
            idf=arrays["idf"], coef=arrays["coef"], intercept=arrays["intercept"], classes=arrays["classes"]
        )
    features = 2 * HASH_FEATURES
    if model.idf.shape != (2, HASH_FEATURES) or model.coef.shape[1] != features:
        raise ValueError(f"{path}: arrays of unexpected shapes {model.idf.shape}, {model.coef.shape}.")
    return model
