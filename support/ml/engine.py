"""The intent engine: MiniLM sentence embeddings (frozen, or fine-tuned when it has the time), a
PyTorch softmax head, temperature-scaled confidence and out-of-scope detection.

Training (`engine_fit`):
1. A stratified held-out split of the training rows (`holdout_fraction`, at least one row of each
   intent that has three or more).
2. Optionally fine-tune the encoder on the rest (encoder.encoder_finetune, `finetune_seconds`).
3. Embed everything; fit the head (L2-regularised softmax regression, full-batch L-BFGS) on the rest,
   with the regularisation chosen by held-out accuracy.
4. Calibrate: one temperature minimising the held-out negative log-likelihood.
5. Out of scope: candidate scores per message are the calibrated top probability, the cosine
   similarity to the nearest training example, and their standardised sum. Each gets the highest
   threshold that loses at most `max_in_scope_loss` held-out in-scope accuracy (oos.threshold_tune).
   The score kept is the one that declines most out-of-scope examples at its threshold: real ones
   when the training data has some, otherwise pseudo ones (a few intents left out of the head in
   turn, their held-out rows playing the unknown).
6. Refit the head on all rows with the chosen regularisation; the nearest-example index holds all rows.

Saved as config.json + head.safetensors (the head's state_dict) + index.npy/index_labels.npy, and
the fine-tuned transformer (safetensors) in encoder/ when there is one. No pickle anywhere.
"""

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from support.ml import oos
from support.ml.encoder import Encoder, encoder_finetune, encoder_load

FORMAT_VERSION = 1


@dataclass(frozen=True)
class EngineParams:
    finetune_seconds: float = 240.0  # 0: frozen embeddings only
    finetune_epochs: float = 3.0
    finetune_learning_rate: float = 5e-5
    batch_size: int = 32
    holdout_fraction: float = 0.1
    max_in_scope_loss: float = 0.01
    regularisations: tuple[float, ...] = (1e-4,)  # more values: chosen by held-out accuracy
    pseudo_oos_share: float = 0.2
    pseudo_oos_rounds: int = 2
    use_tfidf: bool = True  # TF-IDF word n-grams beside the embedding in the head
    seed: int = 0

    @classmethod
    def from_dict(cls, values: dict) -> "EngineParams":
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        if "regularisations" in known:
            known["regularisations"] = tuple(known["regularisations"])
        return cls(**known)


@dataclass(frozen=True)
class Prediction:
    """One message: the best intent (None when declined as out of scope) and why."""

    intent: str | None
    best_intent: str
    confidence: float  # calibrated probability of best_intent
    similarity: float  # cosine similarity to the nearest training example
    in_scope: bool
    alternatives: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class IntentEngine:
    labels: list[str]
    weight: np.ndarray  # (n_labels, 384 + TF-IDF vocabulary)
    bias: np.ndarray  # (n_labels,)
    temperature: float
    score_name: str
    threshold: float
    scale: oos.ScoreScale
    index: np.ndarray  # (n_rows, 384) training embeddings
    index_labels: np.ndarray  # (n_rows,) int
    encoder: Encoder
    params: EngineParams
    text_features: TfidfVectorizer | None = None
    facts: dict[str, float] = field(default_factory=dict)

    # --- Serving ---------------------------------------------------------------------------

    def features(self, vectors: np.ndarray, texts: list[str]):
        return head_features(vectors, self.text_features.transform(texts) if self.text_features else None)

    def scores(self, vectors: np.ndarray, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(calibrated probabilities (n, n_labels), nearest-example similarity (n,)) of embedded messages."""
        logits = np.asarray(self.features(vectors, texts) @ self.weight.T) + self.bias
        probabilities = _softmax(logits / self.temperature)
        similarity = (vectors @ self.index.T).max(axis=1) if len(self.index) else np.zeros(len(vectors))
        return probabilities, similarity

    def predict_vectors(self, vectors: np.ndarray, texts: list[str], *, detect_oos: bool = True) -> list[Prediction]:
        probabilities, similarity = self.scores(vectors, texts)
        score = self.scale.score(self.score_name, probabilities.max(axis=1), similarity)
        predictions = []
        for row, probs in enumerate(probabilities):
            ranked = np.argsort(-probs)[:3]
            best = self.labels[ranked[0]]
            in_scope = bool(score[row] >= self.threshold) or not detect_oos
            predictions.append(
                Prediction(
                    intent=best if in_scope else None,
                    best_intent=best,
                    confidence=float(probs[ranked[0]]),
                    similarity=float(similarity[row]),
                    in_scope=in_scope,
                    alternatives=[(self.labels[i], float(probs[i])) for i in ranked],
                )
            )
        return predictions

    def predict(self, texts: list[str], *, detect_oos: bool = True) -> list[Prediction]:
        texts = list(texts)
        vectors = self.encoder.encode(texts)
        chunk = 2048  # bounds the (messages x training rows) similarity matrix
        return [
            prediction
            for start in range(0, len(texts), chunk)
            for prediction in self.predict_vectors(
                vectors[start : start + chunk], texts[start : start + chunk], detect_oos=detect_oos
            )
        ]

    def classify(self, text: str) -> Prediction:
        return self.predict([text])[0]

    @property
    def uses_shared_encoder(self) -> bool:
        """True when `classify_vector` may be given an embedding from ml.embeddings (frozen encoder)."""
        return not self.encoder.is_finetuned

    def classify_vector(self, vector: np.ndarray, text: str) -> Prediction:
        return self.predict_vectors(vector[None, :], [text])[0]

    # --- Storage -----------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        save_file(
            {"weight": torch.from_numpy(self.weight.copy()), "bias": torch.from_numpy(self.bias.copy())},
            str(directory / "head.safetensors"),
        )
        np.save(directory / "index.npy", self.index.astype(np.float32), allow_pickle=False)
        np.save(directory / "index_labels.npy", self.index_labels.astype(np.int32), allow_pickle=False)
        if self.text_features is not None:
            np.save(directory / "tfidf_idf.npy", self.text_features.idf_.astype(np.float64), allow_pickle=False)
            vocabulary = {term: int(index) for term, index in self.text_features.vocabulary_.items()}
            (directory / "tfidf_vocabulary.json").write_text(json.dumps(vocabulary))
        if self.encoder.is_finetuned:
            (directory / "encoder").mkdir()
            self.encoder.save(directory / "encoder")
        config = {
            "format_version": FORMAT_VERSION,
            "labels": self.labels,
            "temperature": self.temperature,
            "score_name": self.score_name,
            "threshold": self.threshold,
            "scale": asdict(self.scale),
            "finetuned": self.encoder.is_finetuned,
            "params": asdict(self.params),
            "facts": self.facts,
        }
        (directory / "config.json").write_text(json.dumps(config, indent=2))


def engine_load(directory: Path, *, device: str = "cpu") -> IntentEngine:
    directory = Path(directory)
    config = json.loads((directory / "config.json").read_text())
    if config.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"Unsupported intent engine format {config.get('format_version')!r}.")
    head = load_file(str(directory / "head.safetensors"))
    return IntentEngine(
        labels=list(config["labels"]),
        weight=head["weight"].numpy(),
        bias=head["bias"].numpy(),
        temperature=float(config["temperature"]),
        score_name=config["score_name"],
        threshold=float(config["threshold"]),
        scale=oos.ScoreScale(**config["scale"]),
        index=np.load(directory / "index.npy", allow_pickle=False),
        index_labels=np.load(directory / "index_labels.npy", allow_pickle=False),
        encoder=encoder_load(directory / "encoder" if config["finetuned"] else None, device=device),
        params=EngineParams.from_dict(config["params"]),
        facts=config.get("facts", {}),
        text_features=_tfidf_load(directory) if (directory / "tfidf_idf.npy").exists() else None,
    )


def _tfidf_new() -> TfidfVectorizer:
    # At most 20,000 n-grams: bounds the head (labels x n-grams) and L-BFGS memory on large training files.
    return TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, lowercase=True, min_df=1, max_features=20_000, dtype=np.float32
    )


def _tfidf_load(directory: Path) -> TfidfVectorizer:
    vectorizer = _tfidf_new()
    vectorizer.vocabulary_ = json.loads((directory / "tfidf_vocabulary.json").read_text())
    vectorizer.idf_ = np.load(directory / "tfidf_idf.npy", allow_pickle=False)
    return vectorizer


@dataclass(frozen=True)
class HeadInput:
    """The head's input rows: the embeddings, and their TF-IDF rows (sparse) when the engine uses them."""

    dense: np.ndarray
    text: sparse.csr_matrix | None = None

    def __getitem__(self, rows) -> "HeadInput":
        return HeadInput(self.dense[rows], None if self.text is None else self.text[rows])

    def __matmul__(self, weight_t: np.ndarray) -> np.ndarray:
        """self @ weight.T, with weight (n_labels, 384 + vocabulary) passed transposed."""
        width = self.dense.shape[1]
        logits = self.dense @ weight_t[:width]
        if self.text is not None:
            logits = logits + np.asarray(self.text @ weight_t[width:])
        return logits


def head_features(vectors: np.ndarray, text_matrix) -> HeadInput:
    """The head's input: the embedding, and the TF-IDF row beside it when the engine uses one."""
    return HeadInput(vectors, None if text_matrix is None else sparse.csr_matrix(text_matrix, dtype=np.float32))


# --- Training --------------------------------------------------------------------------------------


def engine_fit(
    texts: list[str],
    intents: list[str],
    *,
    oos_texts: list[str] = (),
    params: EngineParams | None = None,
    device: str = "cpu",
    progress: Callable[..., None] | None = None,
) -> IntentEngine:
    """Train on labelled in-scope rows; `oos_texts` (out-of-scope examples) only choose the decline score."""
    params = params or EngineParams()
    progress = progress or (lambda fraction, message=None: None)
    if len(texts) != len(intents) or not texts:
        raise ValueError("Need as many intents as texts, and at least one row.")
    labels = sorted(set(intents))
    if len(labels) < 2:
        raise ValueError(f"Need at least two intents to tell apart, found {len(labels)}.")
    started = time.monotonic()
    label_ids = _ids(intents, labels)
    fit_rows, held_rows = stratified_split(label_ids, fraction=params.holdout_fraction, seed=params.seed)
    facts: dict[str, float] = {"train_rows": float(len(texts)), "holdout_rows": float(len(held_rows))}

    encoder = Encoder(device=device)
    if params.finetune_seconds > 0:
        progress(0.0, f"Fine-tuning the encoder for up to {params.finetune_seconds:.0f} s")
        encoder, tuned = encoder_finetune(
            [texts[i] for i in fit_rows],
            label_ids[fit_rows],
            n_labels=len(labels),
            seconds=params.finetune_seconds,
            epochs=params.finetune_epochs,
            learning_rate=params.finetune_learning_rate,
            batch_size=params.batch_size,
            device=device,
            seed=params.seed,
            progress=lambda fraction, message=None: progress(0.7 * fraction, message),
        )
        facts.update(tuned)
    progress(0.7, "Embedding the training rows")
    vectors = encoder.encode(list(texts))
    oos_vectors = encoder.encode(list(oos_texts))
    facts["embed_seconds"] = time.monotonic() - started - facts.get("finetune_seconds", 0.0)

    text_features = None
    if params.use_tfidf:
        text_features = _tfidf_new().fit(list(texts))
    head_x = head_features(vectors, text_features.transform(list(texts)) if text_features else None)
    e_fit, e_held = vectors[fit_rows], vectors[held_rows]
    x_fit, y_fit = head_x[fit_rows], label_ids[fit_rows]
    x_held, y_held = head_x[held_rows], label_ids[held_rows]
    regularisation, weight, bias = _head_choose(x_fit, y_fit, x_held, y_held, len(labels), params.regularisations)
    facts["regularisation"] = regularisation

    temperature, score_name, threshold, scale = 1.0, "probability", float("-inf"), oos.ScoreScale(0.0, 1.0, 0.0, 1.0)
    if len(held_rows):
        logits = np.asarray(x_held @ weight.T) + bias
        temperature = temperature_fit(logits, y_held)
        probability = _softmax(logits / temperature).max(axis=1)
        similarity = (e_held @ e_fit.T).max(axis=1)
        correct = logits.argmax(axis=1) == y_held
        scale = oos.ScoreScale.fit(probability, similarity)
        facts["holdout_accuracy"] = float(correct.mean())
        progress(0.85, "Choosing the out-of-scope score")
        recalls = _score_recalls(
            x_fit=x_fit,
            y_fit=y_fit,
            x_held=x_held,
            y_held=y_held,
            e_fit=e_fit,
            e_held=e_held,
            oos_vectors=oos_vectors,
            oos_x=head_features(
                oos_vectors, text_features.transform(list(oos_texts)) if text_features and oos_texts else None
            ),
            weight=weight,
            bias=bias,
            temperature=temperature,
            n_labels=len(labels),
            regularisation=regularisation,
            params=params,
        )
        facts.update({f"oos_recall_{name}": value for name, value in recalls.items()})
        facts["oos_examples"] = float(len(oos_vectors))
        score_name = max(oos.SCORES, key=lambda name: (round(recalls[name], 6), name == "combined"))
        threshold = oos.threshold_tune(
            scores=scale.score(score_name, probability, similarity), correct=correct, max_loss=params.max_in_scope_loss
        )
    final_weight, final_bias = head_fit(head_x, label_ids, len(labels), regularisation=regularisation)
    facts["fit_seconds"] = time.monotonic() - started
    progress(1.0, None)
    return IntentEngine(
        labels=labels,
        weight=final_weight,
        bias=final_bias,
        temperature=temperature,
        score_name=score_name,
        threshold=threshold,
        scale=scale,
        index=vectors,
        index_labels=label_ids,
        encoder=encoder,
        params=params,
        facts=facts,
        text_features=text_features,
    )


def _ids(intents: list[str], labels: list[str]) -> np.ndarray:
    position = {label: i for i, label in enumerate(labels)}
    return np.array([position[intent] for intent in intents])


def stratified_split(label_ids: np.ndarray, *, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(fit rows, held-out rows): about `fraction` of each label held out, at least one of labels with 3+ rows."""
    generator = np.random.default_rng(seed)
    fit, held = [], []
    for label in np.unique(label_ids):
        rows = generator.permutation(np.flatnonzero(label_ids == label))
        count = 0 if len(rows) < 3 or fraction <= 0 else max(1, round(fraction * len(rows)))
        held.extend(rows[:count].tolist())
        fit.extend(rows[count:].tolist())
    return np.array(sorted(fit), dtype=int), np.array(sorted(held), dtype=int)


def head_fit(
    x: "HeadInput", y: np.ndarray, n_labels: int, *, regularisation: float, iterations: int = 150
) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression on embeddings: mean cross-entropy + regularisation/2 * |W|^2, full-batch L-BFGS."""
    torch.manual_seed(0)
    dense = torch.from_numpy(np.ascontiguousarray(x.dense, dtype=np.float32))
    targets = torch.from_numpy(np.asarray(y, dtype=np.int64))
    weight = torch.zeros(n_labels, dense.shape[1], requires_grad=True)
    bias = torch.zeros(n_labels, requires_grad=True)
    parameters = [weight, bias]
    if x.text is not None:  # a bag of weighted n-grams per row: EmbeddingBag does the sparse product
        text = x.text.tocsr()
        bag_input = torch.from_numpy(text.indices.astype(np.int64))
        bag_offsets = torch.from_numpy(text.indptr[:-1].astype(np.int64))
        bag_weights = torch.from_numpy(text.data.astype(np.float32))
        bag = torch.nn.EmbeddingBag(text.shape[1], n_labels, mode="sum")
        torch.nn.init.zeros_(bag.weight)
        parameters.append(bag.weight)
    optimiser = torch.optim.LBFGS(
        parameters, lr=1.0, max_iter=iterations, history_size=10, line_search_fn="strong_wolfe"
    )

    def closure():
        optimiser.zero_grad()
        logits = dense @ weight.T + bias
        penalty = (weight**2).sum()
        if x.text is not None:
            logits = logits + bag(bag_input, bag_offsets, per_sample_weights=bag_weights)
            penalty = penalty + (bag.weight**2).sum()
        loss = F.cross_entropy(logits, targets) + 0.5 * regularisation * penalty
        loss.backward()
        return loss

    optimiser.step(closure)
    full = weight.detach().numpy()
    if x.text is not None:
        full = np.hstack([full, bag.weight.detach().numpy().T])
    return np.ascontiguousarray(full), bias.detach().numpy().copy()


def _head_choose(x_fit, y_fit, x_held, y_held, n_labels, regularisations):
    """(regularisation, weight, bias) with the best held-out accuracy; the strongest one on ties."""
    best = None
    for regularisation in sorted(regularisations, reverse=True):
        weight, bias = head_fit(x_fit, y_fit, n_labels, regularisation=regularisation)
        logits = np.asarray(x_held @ weight.T) + bias
        accuracy = float((logits.argmax(axis=1) == y_held).mean()) if len(y_held) else 0.0
        if best is None or accuracy > best[0] + 1e-9:
            best = (accuracy, regularisation, weight, bias)
        if not len(y_held):
            break
    return best[1], best[2], best[3]


def temperature_fit(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature T minimising the negative log-likelihood of softmax(logits / T) (Guo et al., 2017)."""
    values = torch.from_numpy(np.asarray(logits, dtype=np.float32))
    targets = torch.from_numpy(np.asarray(y, dtype=np.int64))
    log_t = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        optimiser.zero_grad()
        loss = F.cross_entropy(values / log_t.exp(), targets)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(np.clip(log_t.exp().item(), 0.05, 20.0))


def _score_recalls(
    *,
    x_fit,
    y_fit,
    x_held,
    y_held,
    e_fit,
    e_held,
    oos_vectors,
    oos_x,
    weight,
    bias,
    temperature,
    n_labels,
    regularisation,
    params,
) -> dict[str, float]:
    """Per candidate score: the share of out-of-scope examples declined at its tuned threshold."""
    if len(oos_vectors):
        trials = [(e_fit, x_held, e_held, y_held, oos_x, oos_vectors, weight, bias, temperature)]
    else:
        trials = []
        generator = np.random.default_rng(params.seed + 1)
        present = np.unique(y_fit)
        left_count = round(params.pseudo_oos_share * len(present))
        if len(present) < 4 or left_count < 1:
            return dict.fromkeys(oos.SCORES, 0.0)
        for _ in range(params.pseudo_oos_rounds):
            left_out = generator.choice(present, size=left_count, replace=False)
            keep_fit, keep_held = ~np.isin(y_fit, left_out), ~np.isin(y_held, left_out)
            if not keep_held.any() or keep_held.all():
                continue
            w, b = head_fit(x_fit[keep_fit], y_fit[keep_fit], n_labels, regularisation=regularisation)
            w[left_out], b[left_out] = 0.0, -1e4  # those intents do not exist for this head
            t = temperature_fit(np.asarray(x_held[keep_held] @ w.T) + b, y_held[keep_held])
            trials.append(
                (
                    e_fit[keep_fit],
                    x_held[keep_held],
                    e_held[keep_held],
                    y_held[keep_held],
                    x_held[~keep_held],
                    e_held[~keep_held],
                    w,
                    b,
                    t,
                )
            )
    recalls = {name: [] for name in oos.SCORES}
    for e_index, x_in, e_in, y_in, x_out, e_out, w, b, t in trials:
        logits_in, logits_out = np.asarray(x_in @ w.T) + b, np.asarray(x_out @ w.T) + b
        p_in, p_out = _softmax(logits_in / t).max(axis=1), _softmax(logits_out / t).max(axis=1)
        s_in, s_out = (e_in @ e_index.T).max(axis=1), (e_out @ e_index.T).max(axis=1)
        correct = logits_in.argmax(axis=1) == y_in
        scale = oos.ScoreScale.fit(p_in, s_in)
        for name in oos.SCORES:
            threshold = oos.threshold_tune(
                scores=scale.score(name, p_in, s_in), correct=correct, max_loss=params.max_in_scope_loss
            )
            recalls[name].append(oos.recall_at(threshold, scale.score(name, p_out, s_out)))
    return {name: float(np.mean(values)) if values else 0.0 for name, values in recalls.items()}


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
