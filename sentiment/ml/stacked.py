"""The fast sentiment engine: frozen MiniLM sentence vectors stacked beside word 1-2 gram TF-IDF
(ml.text.tfidf, the baseline's recipe), one class-weighted logistic regression over both.

    model = stacked_fit(texts, labels, params=StackedParams(), progress=print)
    model.predict_proba(["love it", "broke in a day"])   # (2, 3) rows summing to 1

Why: fine-tuning the encoder (sentiment.ml.classifier) costs 30-50 minutes of two CPU cores; the
frozen encoder is run once per text (about 95 % of this engine's time) and everything else is a
convex fit of seconds. The two views complement each other: the vectors carry paraphrase and
negation, the n-grams carry rare product words. Class weights (half-way to balanced, `balance`)
keep the rare middle and negative classes from being swamped by 5-star reviews (macro-F1) while
costing little accuracy; fully balanced weights cost more.
See bench/README.md ("Review stars") for what else was tried (ordinal readouts) and figures.

Vectors of the texts fitted on stay cached in the process (`VECTOR_CACHE_LIMIT` at most), so the
platform's second fit (on the whole window) and the evaluation re-encode nothing.

Saved as `stacked.json` (parameters), `stacked.npz` (coefficients, intercepts, classes; read with
`allow_pickle=False`) and the TF-IDF vocabulary and idf (ml.text.tfidf); the encoder is the packaged one.
Why not the hashed word + character n-grams of sentiment.ml.lexical: their regression alone took 109 s
on 3,931 reviews of 5 classes (2 busy cores), which would have been most of the time budget.
"""

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ml.embeddings import sentence_encoder
from ml.text.minilm import HIDDEN, sentence_vectors
from ml.text.tfidf import tfidf_load, tfidf_save, word_tfidf
from sentiment.ml.labels import LABELS
from sentiment.ml.text import treebank_untokenise

CONFIG_FILE = "stacked.json"
ARRAYS_FILE = "stacked.npz"
VECTOR_CACHE_LIMIT = 60_000  # texts (about 90 MB of vectors)
ENCODE_BATCH = 64


@dataclass(frozen=True)
class StackedParams:
    max_length: int = 128  # encoder tokens per text (96 -> 256: 2.9x the encoding time for +0.1 point)
    vector_weight: float = 1.0  # scale of the unit-length sentence vector beside the unit-length n-gram blocks
    c: float = 16.0  # inverse L2 strength of the regression
    max_features: int = 100_000  # word 1-2 grams kept (the most frequent)
    balance: float = 0.5  # class weights (rows / (classes x class rows)) ** balance: 0 none, 1 fully balanced

    def __post_init__(self):
        if not 8 <= self.max_length <= 512:
            raise ValueError(f"max_length must be from 8 to 512, not {self.max_length}.")
        if self.vector_weight < 0 or self.c <= 0 or not 0 <= self.balance <= 1:
            raise ValueError("vector_weight must be 0 or more, c above 0 and balance from 0 to 1.")

    def as_dict(self) -> dict:
        return asdict(self)


class _Encoder:
    """The vectors of the texts fitted on, and how to compute more: the process-wide sentence encoder's
    transformer (ml.embeddings, shared with the aspects), mean-pooled, texts cut at `max_length` tokens."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cache: dict[tuple[str, int], np.ndarray] = {}

    def vectors(
        self, texts: list[str], *, max_length: int, device: str, progress: Callable[[float], None] | None, keep: bool
    ) -> np.ndarray:
        """Unit-length mean-pooled vectors (n, HIDDEN); `keep` adds them to the cache (emptied first when
        it would pass VECTOR_CACHE_LIMIT)."""
        import torch

        with self.lock:
            module = sentence_encoder(device)[0]
            tokenizer, transformer = module.tokenizer, module.auto_model
            result = np.zeros((len(texts), HIDDEN), dtype=np.float32)
            missing = []
            for row, text in enumerate(texts):
                cached = self.cache.get((text, max_length))
                if cached is None:
                    missing.append(row)
                else:
                    result[row] = cached
            missing.sort(key=lambda row: len(texts[row]))  # similar lengths together: little padding
            with torch.inference_mode():
                for start in range(0, len(missing), ENCODE_BATCH):
                    rows = missing[start : start + ENCODE_BATCH]
                    batch = sentence_vectors(
                        transformer, tokenizer, [texts[row] for row in rows], device=device, max_length=max_length
                    )
                    result[rows] = torch.nn.functional.normalize(batch, dim=1).float().cpu().numpy()
                    if progress is not None:
                        progress(min(1.0, (start + len(rows)) / len(missing)))
            if keep and len(texts) <= VECTOR_CACHE_LIMIT:
                if len(self.cache) + len(missing) > VECTOR_CACHE_LIMIT:
                    self.cache = {}
                self.cache.update({(text, max_length): result[row] for row, text in enumerate(texts)})
            return result


_encoder = _Encoder()


@dataclass
class StackedModel:
    params: StackedParams
    vectorizer: object  # fitted word TF-IDF
    coef: np.ndarray  # (classes or 1 for two classes, TF-IDF columns + HIDDEN)
    intercept: np.ndarray
    classes: np.ndarray  # label indices the regression saw
    device: str = "cpu"
    width: int = len(LABELS)  # columns of predict_proba (more for other label sets, e.g. 5 star classes)

    def features(self, texts: Sequence[str], *, progress: Callable[[float], None] | None = None, keep: bool = False):
        return _features(texts, self.vectorizer, self.params, self.device, progress, keep)

    def predict_proba(self, texts: Sequence[str], *, keep: bool = False) -> np.ndarray:
        """(n, width) probabilities; `keep` caches the texts' vectors (texts scored again soon)."""
        scores = self.features(texts, keep=keep) @ self.coef.T + self.intercept
        if len(self.classes) == 2:  # sklearn's binary form: one score for the second class
            scores = np.hstack([-scores / 2, scores / 2])
        scores = np.asarray(scores) - np.max(scores, axis=1, keepdims=True)
        probabilities = np.exp(scores)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        result = np.zeros((len(texts), self.width), dtype=np.float64)
        result[:, self.classes] = probabilities
        return result


def _features(texts, vectorizer, params: StackedParams, device: str, progress, keep: bool):
    from scipy.sparse import csr_matrix, hstack

    texts = [treebank_untokenise(text) for text in texts]
    vectors = _encoder.vectors(texts, max_length=params.max_length, device=device, progress=progress, keep=keep)
    return hstack([vectorizer.transform(texts), csr_matrix(vectors * params.vector_weight)]).tocsr()


def stacked_fit(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    params: StackedParams | None = None,
    device: str = "cpu",
    progress: Callable[[float], None] | None = None,
    sample_weights: np.ndarray | None = None,
    width: int = len(LABELS),
) -> StackedModel:
    """Fit on `texts` with class indices `labels` (below `width`); `progress(fraction)` through encoding
    (90 %) and the fit."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.utils.class_weight import compute_sample_weight

    params = params or StackedParams()
    labels = np.asarray(labels, dtype=np.int64)
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels.")
    if len(set(labels.tolist())) < 2:
        raise ValueError("Training needs texts of at least two classes.")
    report = progress or (lambda _fraction: None)
    vectorizer = word_tfidf(max_features=params.max_features).fit([treebank_untokenise(text) for text in texts])
    features = _features(texts, vectorizer, params, device, lambda fraction: report(0.9 * fraction), True)
    weights = np.ones(len(labels)) if sample_weights is None else np.asarray(sample_weights, dtype=np.float64)
    weights = weights * compute_sample_weight("balanced", labels) ** params.balance
    regression = LogisticRegression(C=params.c, max_iter=3000).fit(features, labels, sample_weight=weights)
    report(1.0)
    return StackedModel(
        params=params,
        vectorizer=vectorizer,
        coef=regression.coef_.astype(np.float32),
        intercept=regression.intercept_.astype(np.float32),
        classes=regression.classes_.astype(np.int64),
        device=device,
        width=width,
    )


def stacked_save(model: StackedModel, directory: Path) -> None:
    directory = Path(directory)
    np.savez_compressed(directory / ARRAYS_FILE, coef=model.coef, intercept=model.intercept, classes=model.classes)
    tfidf_save(model.vectorizer, directory)
    (directory / CONFIG_FILE).write_text(json.dumps({"labels": list(LABELS), "params": model.params.as_dict()}))


def stacked_saved(directory: Path) -> bool:
    return (Path(directory) / CONFIG_FILE).exists()


def stacked_load(directory: Path) -> StackedModel:
    directory = Path(directory)
    config = json.loads((directory / CONFIG_FILE).read_text())
    if config.get("labels") != list(LABELS):
        raise ValueError(f"{directory / CONFIG_FILE} is not a stacked sentiment model.")
    params = StackedParams(**config["params"])
    with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
        model = StackedModel(
            params=params,
            vectorizer=tfidf_load(directory, word_tfidf(max_features=params.max_features)),
            coef=arrays["coef"],
            intercept=arrays["intercept"],
            classes=arrays["classes"],
        )
    if model.coef.shape[1] != len(model.vectorizer.vocabulary_) + HIDDEN:
        shapes = f"{len(model.vectorizer.vocabulary_)} terms, coefficients {model.coef.shape}"
        raise ValueError(f"{directory / ARRAYS_FILE}: arrays of unexpected shapes {shapes}.")
    return model
