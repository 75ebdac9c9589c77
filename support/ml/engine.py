"""The intent engine: MiniLM sentence embeddings (frozen, or fine-tuned when it has the time), a
PyTorch softmax head, temperature-scaled confidence and out-of-scope detection.

Training (`engine_fit`):
1. Optionally fine-tune the encoder (encoder.encoder_finetune, `finetune_seconds`) on a stratified
   90% of the rows (`holdout_fraction` held out, at least one row of each intent with three or more).
2. Embed everything; the head (L2-regularised softmax regression over the embedding and TF-IDF word
   n-grams, full-batch L-BFGS) is fitted on rows and scored on rows it did not see: with the frozen
   encoder `folds` (5) stratified folds, so every row gets an honest score; with a fine-tuned one the
   single held-out split it was not tuned on.
3. Calibrate: one temperature minimising the held-out negative log-likelihood (ml.text.calibration).
4. Out of scope: three signals per message (oos.SIGNALS: calibrated top probability, largest raw
   logit, cosine similarity to the nearest training example) and candidate scores built from them
   (oos.SCORES). Each score gets the highest threshold that loses at most `max_in_scope_loss`
   held-out in-scope accuracy (oos.threshold_tune). The score kept is the one that declines most
   out-of-scope examples at its threshold: real ones when the training data has some, otherwise
   pseudo ones (a share of the intents left out of the head in turn, their held-out rows playing
   the unknown). Every score's threshold and recall are kept in `facts` for audit.
5. Refit the head on all rows; the nearest-example index holds all rows.

Saved as config.json + head.safetensors (the head's state_dict) + index.npy/index_labels.npy, and
the fine-tuned transformer (safetensors) in encoder/ when there is one. No pickle anywhere.
"""

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ml.text.calibration import softmax, temperature_fit_lbfgs
from ml.text.splits import stratified_holdout, stratified_kfold
from ml.text.tfidf import tfidf_load, tfidf_save, tfidf_saved, word_tfidf
from support.ml import oos
from support.ml.encoder import Encoder, encoder_finetune, encoder_load

FORMAT_VERSION = 1
MIN_HELD_OUT_INTENT_ROWS = 3  # an intent with fewer examples is never held out (ml.text.splits)
TFIDF_MAX_FEATURES = 20_000  # bounds the head (labels x n-grams) and L-BFGS memory on large training files


@dataclass(frozen=True)
class EngineParams:
    finetune_seconds: float = 240.0  # 0: frozen embeddings only
    finetune_epochs: float = 3.0
    finetune_learning_rate: float = 5e-5
    batch_size: int = 32
    holdout_fraction: float = 0.1  # the held-out split when fine-tuning (or folds=1)
    folds: int = 5  # frozen encoder: every row held out once, by a head fitted on the other folds
    max_in_scope_loss: float = 0.0075  # a margin under the 1-point budget: the held-out estimate is noisy
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

    @cached_property
    def _weight_t(self) -> np.ndarray:
        """weight.T, contiguous: the sparse n-gram rows multiply it without a copy of the whole head per message
        (a transposed view made scipy copy it: 3 ms per message for 150 intents)."""
        return np.ascontiguousarray(self.weight.T)

    def scores(self, vectors: np.ndarray, texts: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """(calibrated probabilities (n, n_labels), the out-of-scope signals (oos.SIGNALS) of embedded messages."""
        logits = np.asarray(self.features(vectors, texts) @ self._weight_t) + self.bias
        similarity = (vectors @ self.index.T).max(axis=1) if len(self.index) else np.zeros(len(vectors))
        return softmax(logits / self.temperature), _signals(logits, self.temperature, similarity)

    def predict_vectors(self, vectors: np.ndarray, texts: list[str], *, detect_oos: bool = True) -> list[Prediction]:
        probabilities, signals = self.scores(vectors, texts)
        score = self.scale.score(self.score_name, signals)
        similarity = signals["similarity"]
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
            tfidf_save(self.text_features, directory)
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
        text_features=tfidf_load(directory, _tfidf_new()) if tfidf_saved(directory) else None,
    )


def _tfidf_new() -> TfidfVectorizer:
    """The head's word n-grams: the shared TF-IDF recipe, at most TFIDF_MAX_FEATURES of them, float32."""
    return word_tfidf(max_features=TFIDF_MAX_FEATURES, dtype=np.float32)


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
    fit_rows, held_rows = stratified_holdout(
        label_ids, share=params.holdout_fraction, seed=params.seed, min_class_rows=MIN_HELD_OUT_INTENT_ROWS
    )
    facts: dict[str, float] = {"train_rows": float(len(texts))}

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
    # (fit rows, held-out rows) pairs: folds of every row with the frozen encoder; with a fine-tuned one the
    # single split it was not tuned on (its embeddings of the rows it was trained on are over-confident).
    pairs = []
    if params.finetune_seconds <= 0 and params.folds > 1:
        pairs = stratified_kfold(label_ids, folds=params.folds, seed=params.seed)
    if not pairs and len(held_rows):  # fine-tuned, or too few rows per intent for folds
        pairs = [(fit_rows, held_rows)]
    facts["holdout_rows"] = float(sum(len(held) for _, held in pairs))
    progress(0.7, "Embedding the training rows")
    vectors = encoder.encode(list(texts))
    oos_vectors = encoder.encode(list(oos_texts))
    facts["embed_seconds"] = time.monotonic() - started - facts.get("finetune_seconds", 0.0)

    text_features = None
    if params.use_tfidf:
        text_features = _tfidf_new().fit(list(texts))
    head_x = head_features(vectors, text_features.transform(list(texts)) if text_features else None)
    oos_text = text_features.transform(list(oos_texts)) if text_features and len(oos_texts) else None
    oos_x = head_features(oos_vectors, oos_text)
    regularisation = params.regularisations[0]
    if pairs and len(params.regularisations) > 1:
        fit, held = pairs[0]
        regularisation = _head_choose(
            head_x[fit], label_ids[fit], head_x[held], label_ids[held], len(labels), params.regularisations
        )
    facts["regularisation"] = regularisation

    temperature, score_name, threshold = 1.0, "probability", float("-inf")
    scale = oos.ScoreScale(0.0, 1.0, 0.0, 1.0)
    if pairs:
        progress(0.75, "Scoring held-out rows")
        trials = [
            _trial(head_x, vectors, label_ids, fit, held, len(labels), regularisation, oos_x=oos_x, oos_e=oos_vectors)
            for fit, held in pairs
        ]
        logits = np.vstack([trial.logits_in for trial in trials])
        y_held = np.concatenate([trial.y_in for trial in trials])
        temperature = temperature_fit_lbfgs(logits, y_held)
        signals = oos.signals_concat([trial.signals_in(temperature) for trial in trials])
        correct = logits.argmax(axis=1) == y_held
        scale = oos.ScoreScale.fit(signals)
        facts["holdout_accuracy"] = float(correct.mean())
        progress(0.85, "Choosing the out-of-scope score")
        if len(oos_vectors):
            recalls = _recalls_real(trials, temperature, signals, correct, scale, params.max_in_scope_loss)
        else:
            recalls = _recalls_pseudo(head_x, vectors, label_ids, pairs, len(labels), regularisation, params)
        facts.update({f"oos_recall_{name}": value for name, value in recalls.items()})
        facts["oos_examples"] = float(len(oos_vectors))
        loss = params.max_in_scope_loss
        thresholds = {
            name: oos.threshold_tune(scores=scale.score(name, signals), correct=correct, max_loss=loss)
            for name in oos.SCORES
        }
        facts.update({f"oos_threshold_{name}": value for name, value in thresholds.items() if np.isfinite(value)})
        score_name = max(oos.SCORES, key=lambda name: (round(recalls[name], 6), name == "probability"))
        threshold = thresholds[score_name]
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


@dataclass(frozen=True)
class _Trial:
    """A head fitted on some rows and its raw outputs on rows it did not see (in scope, and out of scope)."""

    logits_in: np.ndarray
    similarity_in: np.ndarray
    y_in: np.ndarray
    logits_out: np.ndarray
    similarity_out: np.ndarray

    def signals_in(self, temperature: float) -> dict[str, np.ndarray]:
        return _signals(self.logits_in, temperature, self.similarity_in)

    def signals_out(self, temperature: float) -> dict[str, np.ndarray]:
        return _signals(self.logits_out, temperature, self.similarity_out)


def _trial(x, e, y, fit, held, n_labels, regularisation, *, oos_x, oos_e, left_out=()) -> _Trial:
    """Fit a head on `fit` rows (less the intents `left_out`); score `held` rows, whose left-out intents
    play the out-of-scope messages together with `oos_x`/`oos_e`."""
    keep_fit = fit[~np.isin(y[fit], left_out)]
    held_in, held_out = held[~np.isin(y[held], left_out)], held[np.isin(y[held], left_out)]
    weight, bias = head_fit(x[keep_fit], y[keep_fit], n_labels, regularisation=regularisation)
    if len(left_out):
        weight[list(left_out)], bias[list(left_out)] = 0.0, -1e4  # those intents do not exist for this head
    index = e[keep_fit]
    logits = lambda rows_x: np.asarray(rows_x @ weight.T) + bias  # noqa: E731
    nearest = lambda rows_e: (rows_e @ index.T).max(axis=1) if len(rows_e) else np.zeros(0)  # noqa: E731
    out_logits, out_similarity = logits(x[held_out]), nearest(e[held_out])
    if len(oos_e):
        out_logits = np.vstack([out_logits, logits(oos_x)])
        out_similarity = np.concatenate([out_similarity, nearest(oos_e)])
    return _Trial(logits(x[held_in]), nearest(e[held_in]), y[held_in], out_logits, out_similarity)


def _recall_per_score(signals_in, correct, signals_out, scale, max_loss) -> dict[str, float]:
    """Per candidate score: the share of out-of-scope rows declined at the threshold tuned on the in-scope rows."""
    recalls = {}
    for name in oos.SCORES:
        threshold = oos.threshold_tune(scores=scale.score(name, signals_in), correct=correct, max_loss=max_loss)
        recalls[name] = oos.recall_at(threshold, scale.score(name, signals_out))
    return recalls


def _recalls_real(trials, temperature, signals, correct, scale, max_loss) -> dict[str, float]:
    """Real out-of-scope examples, scored by every held-out head against the pooled threshold."""
    signals_out = oos.signals_concat([trial.signals_out(temperature) for trial in trials])
    return _recall_per_score(signals, correct, signals_out, scale, max_loss)


def _recalls_pseudo(x, e, y, pairs, n_labels, regularisation, params) -> dict[str, float]:
    """Without real examples: rounds in which a share of the intents is left out of the head, their
    held-out rows playing the unknown (each round with its own temperature, scale and thresholds)."""
    generator = np.random.default_rng(params.seed + 1)
    present = np.unique(y)
    left_count = round(params.pseudo_oos_share * len(present))
    if len(present) < 4 or left_count < 1:
        return dict.fromkeys(oos.SCORES, 0.0)
    recalls = {name: [] for name in oos.SCORES}
    for round_number in range(params.pseudo_oos_rounds):
        fit, held = pairs[round_number % len(pairs)]
        left_out = np.sort(generator.choice(present, size=left_count, replace=False))
        trial = _trial(x, e, y, fit, held, n_labels, regularisation, oos_x=x[:0], oos_e=e[:0], left_out=left_out)
        if not len(trial.y_in) or not len(trial.logits_out):
            continue
        temperature = temperature_fit_lbfgs(trial.logits_in, trial.y_in)
        signals_in = trial.signals_in(temperature)
        correct = trial.logits_in.argmax(axis=1) == trial.y_in
        scale = oos.ScoreScale.fit(signals_in)
        found = _recall_per_score(signals_in, correct, trial.signals_out(temperature), scale, params.max_in_scope_loss)
        for name, value in found.items():
            recalls[name].append(value)
    return {name: float(np.mean(values)) if values else 0.0 for name, values in recalls.items()}


def _signals(logits: np.ndarray, temperature: float, similarity: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "probability": softmax(logits / temperature).max(axis=1),
        "logit": logits.max(axis=1),
        "similarity": similarity,
    }


def _ids(intents: list[str], labels: list[str]) -> np.ndarray:
    position = {label: i for i, label in enumerate(labels)}
    return np.array([position[intent] for intent in intents])


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


def _head_choose(x_fit, y_fit, x_held, y_held, n_labels, regularisations) -> float:
    """The regularisation with the best held-out accuracy; the strongest one on ties."""
    best = None
    for regularisation in sorted(regularisations, reverse=True):
        weight, bias = head_fit(x_fit, y_fit, n_labels, regularisation=regularisation)
        accuracy = float(((np.asarray(x_held @ weight.T) + bias).argmax(axis=1) == y_held).mean())
        if best is None or accuracy > best[0] + 1e-9:
            best = (accuracy, regularisation)
    return best[1]
