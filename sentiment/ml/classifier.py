"""The sentiment classifier: the MiniLM sentence encoder (ml.embeddings) with its top layers fine-tuned
and a linear head over mean-pooled tokens, three classes, temperature-calibrated probabilities.

    model = fit(texts, labels, params=ClassifierParams(), device="cpu")
    model.predict_proba(["love it", "broke in a day"])   # (2, 3) rows summing to 1

How it trains fast on a CPU: the encoder's lower `6 - tune_layers` layers stay frozen, so their
output is computed ONCE per text and cached; each epoch then runs only the trained top layers.
`tune_layers=0` is the frozen encoder with a trained head (the cached vectors are the pooled
sentence embeddings). A share of the training texts (`calibration_share`, stratified) is held
out of the fit and used to fit the temperature that calibrates the probabilities.

Classes absent from the training labels (e.g. neutral in a binary data set) get probability 0:
the model never invents a class it has not seen.

Saved as `classifier.json` (parameters, labels, temperature) and `weights.pt` (a PyTorch
state_dict of the trained top layers and the head only; the frozen layers come from the packaged
encoder, checked by name and shape on load). Never pickle: loading uses `weights_only=True`.
"""

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from sentiment.ml.labels import LABELS

ENCODER_LAYERS = 6
HIDDEN = 384
CONFIG_FILE = "classifier.json"
WEIGHTS_FILE = "weights.pt"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ClassifierParams:
    tune_layers: int = 6  # top encoder layers fine-tuned (0 = frozen encoder, head only; 6 = all)
    epochs: int = 3
    learning_rate: float = 5e-5  # of the fine-tuned layers
    head_learning_rate: float = 3e-3
    weight_decay: float = 0.01
    batch_size: int = 32
    max_length: int = 96  # tokens per text; longer texts are cut
    calibration_share: float = 0.1
    seed: int = 0
    threads: int = 0  # torch CPU threads; 0 keeps torch's default

    def __post_init__(self):
        if not 0 <= self.tune_layers <= ENCODER_LAYERS:
            raise ValueError(f"tune_layers must be from 0 to {ENCODER_LAYERS}, not {self.tune_layers}.")
        if not 0 <= self.calibration_share < 0.5:
            raise ValueError("calibration_share must be from 0 to 0.5.")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class FitReport:
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # process CPU time (all threads): wall time on dedicated cores ~ this / threads
    cache_seconds: float = 0.0
    train_rows: int = 0
    calibration_rows: int = 0
    temperature: float = 1.0
    calibration_nll_before: float | None = None
    calibration_nll_after: float | None = None
    epoch_losses: list[float] = field(default_factory=list)


def _torch():
    import torch

    return torch


def network_build(tune_layers: int):
    """(tokenizer, network) with the packaged encoder's weights; the network is a torch Module."""
    torch = _torch()
    from torch import nn
    from transformers import AutoModel, AutoTokenizer

    from ml.embeddings import model_path

    class SentimentNetwork(nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder
            self.tune_layers = tune_layers
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(HIDDEN, len(LABELS))
            self.register_buffer("class_mask", torch.ones(len(LABELS), dtype=torch.bool))
            for parameter in self.encoder.parameters():
                parameter.requires_grad = False
            for layer in self.trained_layers():
                for parameter in layer.parameters():
                    parameter.requires_grad = True

        def trained_layers(self):
            return list(self.encoder.encoder.layer)[ENCODER_LAYERS - self.tune_layers :]

        def frozen_layers(self):
            return list(self.encoder.encoder.layer)[: ENCODER_LAYERS - self.tune_layers]

        @staticmethod
        def additive_mask(attention_mask):
            mask = attention_mask[:, None, None, :].to(torch.float32)
            return (1.0 - mask) * torch.finfo(torch.float32).min

        def lower(self, input_ids, attention_mask):
            """The frozen part: token states after the frozen layers (pooled if nothing is tuned)."""
            hidden = self.encoder.embeddings(input_ids=input_ids)
            additive = self.additive_mask(attention_mask)
            for layer in self.frozen_layers():
                hidden = _first(layer(hidden, attention_mask=additive))
            if self.tune_layers == 0:
                return mean_pool(hidden, attention_mask)
            return hidden

        def upper(self, hidden, attention_mask):
            """Logits from the frozen part's output, through the trained layers and the head."""
            if self.tune_layers:
                additive = self.additive_mask(attention_mask)
                for layer in self.trained_layers():
                    hidden = _first(layer(hidden, attention_mask=additive))
                hidden = mean_pool(hidden, attention_mask)
            logits = self.head(self.dropout(hidden))
            return logits.masked_fill(~self.class_mask, -1e4)

        def forward(self, input_ids, attention_mask):
            return self.upper(self.lower(input_ids, attention_mask), attention_mask)

    tokenizer = AutoTokenizer.from_pretrained(str(model_path()))
    encoder = AutoModel.from_pretrained(str(model_path()), attn_implementation="sdpa")
    return tokenizer, SentimentNetwork(encoder)


def _first(output):
    return output[0] if isinstance(output, tuple | list) else output


def mean_pool(hidden, attention_mask):
    weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)


class SentimentClassifier:
    """A fitted classifier: `predict_proba(texts)` -> (n, 3) calibrated probabilities."""

    def __init__(self, *, tokenizer, network, params: ClassifierParams, temperature: float, device: str = "cpu"):
        self.tokenizer = tokenizer
        self.network = network.eval().to(device)
        self.params = params
        self.temperature = temperature
        self.device = device
        self.report = FitReport(temperature=temperature)

    @property
    def classes_present(self) -> list[str]:
        return [label for label, seen in zip(LABELS, self.network.class_mask.tolist(), strict=True) if seen]

    def logits(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        torch = _torch()
        order = np.argsort([len(text) for text in texts], kind="stable")
        result = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                rows = order[start : start + batch_size]
                batch = self.tokenizer(
                    [texts[row] for row in rows],
                    padding=True,
                    truncation=True,
                    max_length=self.params.max_length,
                    return_tensors="pt",
                ).to(self.device)
                logits = self.network(batch["input_ids"], batch["attention_mask"])
                result[rows] = logits.float().cpu().numpy()
        return result

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return softmax(self.logits(list(texts)) / self.temperature)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def calibration_split(labels: np.ndarray, *, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(fit rows, calibration rows): `share` of each class held out, at least one per class of 2+ texts."""
    rng = np.random.default_rng(seed)
    fit_rows, calibration_rows = [], []
    for label in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == label))
        held = round(len(rows) * share) if share > 0 else 0
        if share > 0 and held == 0 and len(rows) >= 2:
            held = 1
        calibration_rows.extend(rows[:held])
        fit_rows.extend(rows[held:])
    return np.sort(np.array(fit_rows, dtype=np.int64)), np.sort(np.array(calibration_rows, dtype=np.int64))


def temperature_fit(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of `labels` (1.0 when nothing to fit)."""
    if len(labels) == 0:
        return 1.0
    best, best_nll = 1.0, nll(logits, labels, 1.0)
    for temperature in np.exp(np.linspace(math.log(0.05), math.log(20.0), 200)):
        value = nll(logits, labels, float(temperature))
        if value < best_nll:
            best, best_nll = float(temperature), value
    return best


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    probabilities = softmax(logits / temperature)
    return float(-np.mean(np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-12, 1.0))))


def fit(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    params: ClassifierParams | None = None,
    device: str = "cpu",
    progress: Callable[[float], None] | None = None,
    sample_weights: np.ndarray | None = None,
) -> SentimentClassifier:
    """Train on `texts` with class indices `labels` (sentiment.ml.labels) on `device`."""
    torch = _torch()
    params = params or ClassifierParams()
    labels = np.asarray(labels, dtype=np.int64)
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels.")
    if len(set(labels.tolist())) < 2:
        raise ValueError("Training needs texts of at least two classes.")
    started = time.perf_counter()
    cpu_started = time.process_time()
    if params.threads:
        torch.set_num_threads(params.threads)
    torch.manual_seed(params.seed)
    random.seed(params.seed)
    tokenizer, network = network_build(params.tune_layers)
    network.class_mask.copy_(torch.tensor([label in set(labels.tolist()) for label in range(len(LABELS))]))
    network.to(device)
    weights = np.ones(len(labels), dtype=np.float32) if sample_weights is None else sample_weights.astype(np.float32)

    fit_rows, calibration_rows = calibration_split(labels, share=params.calibration_share, seed=params.seed)
    encoded = tokenizer(list(texts), truncation=True, max_length=params.max_length)["input_ids"]

    # The frozen part once per text (sorted by length so padding stays small).
    network.eval()
    cache: list = [None] * len(texts)
    order = np.argsort([len(ids) for ids in encoded], kind="stable")
    with torch.no_grad():  # not inference_mode: the trained layers' backward saves these tensors
        for start in range(0, len(order), 128):
            rows = order[start : start + 128]
            input_ids, mask = _pad([encoded[row] for row in rows], device)
            lower = network.lower(input_ids, mask)
            for position, row in enumerate(rows):
                length = len(encoded[row])
                cache[row] = lower[position].clone() if params.tune_layers == 0 else lower[position, :length].clone()
    cache_seconds = time.perf_counter() - started

    trained = [p for layer in network.trained_layers() for p in layer.parameters()]
    groups = [{"params": list(network.head.parameters()), "lr": params.head_learning_rate}]
    if trained:
        groups.append({"params": trained, "lr": params.learning_rate})
    optimizer = torch.optim.AdamW(groups, weight_decay=params.weight_decay)
    steps_per_epoch = max(1, math.ceil(len(fit_rows) / params.batch_size))
    total_steps = steps_per_epoch * params.epochs
    warmup = max(1, total_steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total_steps - step) / (total_steps - warmup + 1)))
    )
    label_tensor = torch.tensor(labels, device=device)
    weight_tensor = torch.tensor(weights, device=device)
    report = FitReport(cache_seconds=cache_seconds, train_rows=len(fit_rows), calibration_rows=len(calibration_rows))
    rng = np.random.default_rng(params.seed)
    step = 0
    for _epoch in range(params.epochs):
        network.train()
        batches = _length_batches(fit_rows, [len(encoded[row]) for row in range(len(texts))], params.batch_size, rng)
        total = 0.0
        for rows in batches:
            hidden, mask = _stack([cache[row] for row in rows], params.tune_layers, device)
            logits = network.upper(hidden, mask)
            losses = torch.nn.functional.cross_entropy(logits, label_tensor[rows], reduction="none")
            batch_weights = weight_tensor[rows]
            loss = (losses * batch_weights).sum() / batch_weights.sum()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for group in groups for p in group["params"]], 1.0)
            optimizer.step()
            scheduler.step()
            total += float(loss.detach()) * len(rows)
            step += 1
            if progress is not None:
                progress(step / total_steps)
        report.epoch_losses.append(total / max(1, len(fit_rows)))

    network.eval()
    classifier = SentimentClassifier(
        tokenizer=tokenizer, network=network, params=params, temperature=1.0, device=device
    )
    if len(calibration_rows):
        calibration_logits = _logits_from_cache(network, cache, calibration_rows, params.tune_layers, device)
        report.calibration_nll_before = nll(calibration_logits, labels[calibration_rows], 1.0)
        classifier.temperature = temperature_fit(calibration_logits, labels[calibration_rows])
        report.calibration_nll_after = nll(calibration_logits, labels[calibration_rows], classifier.temperature)
    report.temperature = classifier.temperature
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu_started
    classifier.report = report
    return classifier


def _pad(sequences: list[list[int]], device: str):
    torch = _torch()
    width = max(len(ids) for ids in sequences)
    input_ids = torch.zeros((len(sequences), width), dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, ids in enumerate(sequences):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        mask[row, : len(ids)] = 1
    return input_ids.to(device), mask.to(device)


def _stack(states: list, tune_layers: int, device: str):
    """A padded batch of cached states and its attention mask."""
    torch = _torch()
    if tune_layers == 0:
        return torch.stack(states), None
    width = max(state.shape[0] for state in states)
    hidden = torch.zeros((len(states), width, HIDDEN), dtype=states[0].dtype, device=device)
    mask = torch.zeros((len(states), width), dtype=torch.long, device=device)
    for row, state in enumerate(states):
        hidden[row, : state.shape[0]] = state
        mask[row, : state.shape[0]] = 1
    return hidden, mask


def _length_batches(rows: np.ndarray, lengths: list[int], batch_size: int, rng) -> list[np.ndarray]:
    """Shuffled batches of texts of similar length: shuffle, sort within chunks of 50 batches, shuffle batches."""
    shuffled = rng.permutation(rows)
    batches = []
    chunk = batch_size * 50
    for start in range(0, len(shuffled), chunk):
        part = sorted(shuffled[start : start + chunk], key=lambda row: lengths[row])
        batches.extend(np.array(part[i : i + batch_size]) for i in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def _logits_from_cache(network, cache, rows, tune_layers: int, device: str) -> np.ndarray:
    torch = _torch()
    result = []
    with torch.inference_mode():
        for start in range(0, len(rows), 128):
            hidden, mask = _stack([cache[row] for row in rows[start : start + 128]], tune_layers, device)
            result.append(network.upper(hidden, mask).float().cpu().numpy())
    return np.concatenate(result)


# --- Native storage -------------------------------------------------------------------------------


def save(model: SentimentClassifier, directory: Path) -> None:
    torch = _torch()
    directory = Path(directory)
    trained_prefixes = ["head.", "class_mask"] + [
        f"encoder.encoder.layer.{index}." for index in range(ENCODER_LAYERS - model.params.tune_layers, ENCODER_LAYERS)
    ]
    state = {
        name: tensor.detach().cpu().contiguous()
        for name, tensor in model.network.state_dict().items()
        if any(name.startswith(prefix) for prefix in trained_prefixes)
    }
    torch.save(state, directory / WEIGHTS_FILE)
    config = {
        "format_version": FORMAT_VERSION,
        "labels": list(LABELS),
        "params": model.params.as_dict(),
        "temperature": model.temperature,
        "classes_present": model.classes_present,
        "report": asdict(model.report),
    }
    (directory / CONFIG_FILE).write_text(json.dumps(config, indent=2))


def load(directory: Path, *, device: str = "cpu") -> SentimentClassifier:
    torch = _torch()
    directory = Path(directory)
    config = json.loads((directory / CONFIG_FILE).read_text())
    if config.get("format_version") != FORMAT_VERSION or config.get("labels") != list(LABELS):
        raise ValueError(f"{directory / CONFIG_FILE} is not a sentiment classifier of format {FORMAT_VERSION}.")
    params = ClassifierParams(**config["params"])
    tokenizer, network = network_build(params.tune_layers)
    state = torch.load(directory / WEIGHTS_FILE, map_location="cpu", weights_only=True)
    expected = network.state_dict()
    for name, tensor in state.items():
        if name not in expected or expected[name].shape != tensor.shape:
            raise ValueError(f"{directory / WEIGHTS_FILE}: unexpected tensor {name} {tuple(tensor.shape)}.")
    network.load_state_dict(state, strict=False)
    model = SentimentClassifier(
        tokenizer=tokenizer, network=network, params=params, temperature=float(config["temperature"]), device=device
    )
    model.report = FitReport(**config.get("report", {}))
    return model
