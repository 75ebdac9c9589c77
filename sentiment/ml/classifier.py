"""The sentiment classifier: the MiniLM sentence encoder (ml.embeddings) fine-tuned with a linear
head over mean-pooled tokens, three classes, temperature-calibrated probabilities; by default an
ensemble of `members` fine-tuned copies (different seeds) whose logits are averaged.

    model = fit(texts, labels, params=ClassifierParams(), device="cpu")
    model.predict_proba(["love it", "broke in a day"])   # (2, 3) rows summing to 1

How it trains fast on a CPU: the encoder's lower `6 - tune_layers` layers stay frozen, so their
output is computed ONCE per text and cached (and shared by every member); each epoch then runs
only the trained top layers, in batches of texts of similar length (little padding), in bfloat16
autocast where the processor does bfloat16 natively (AMX / AVX512-BF16, or a CUDA GPU: see
`precision`; weights, optimiser state, pooling and head stay float32). `tune_layers=0` is the
frozen encoder with a trained head (the cached vectors are the pooled sentence embeddings). A
share of the training texts (`calibration_share`, stratified) is held out of the fit and used to
fit the one temperature that calibrates the ensemble's mean logits. With `cross_fit` each member
holds out its own share (member k the k-th fold), so the ensemble as a whole learns from every
text, and the calibration rows (every fold, each scored by the member that did not see it) are
`members` times as many. Texts are read through sentiment.ml.text first (tokenised corpora such as
SST's "does n't" read as running text), in training and in scoring alike.

Classes absent from the training labels (e.g. neutral in a binary data set) get probability 0:
the model never invents a class it has not seen.

Saved as `classifier.json` (parameters, labels, temperature) and `weights.pt` (a PyTorch
state_dict of each member's trained top layers and head only, prefixed `members.<k>.`; the frozen
layers come from the packaged encoder, checked by name and shape on load). Never pickle: loading
uses `weights_only=True`. Format 1 files (one model, no prefix) still load, as one member.
"""

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ml.text.calibration import nll, softmax, temperature_fit
from ml.text.minilm import ENCODER_LAYERS, HIDDEN, mean_pool, pretrained_load
from ml.text.splits import stratified_holdouts
from sentiment.ml.labels import LABELS
from sentiment.ml.lexical import LexicalModel, lexical_fit, lexical_load, lexical_save
from sentiment.ml.text import treebank_untokenise

CONFIG_FILE = "classifier.json"
WEIGHTS_FILE = "weights.pt"
FORMAT_VERSION = 2
FORMATS_READ = (1, 2)
PRECISIONS = ("auto", "bf16", "fp32")
LEXICAL_MIN_CALIBRATION_ROWS = 50  # fewer held-out rows weigh the lexical part too noisily: network alone


@dataclass(frozen=True)
class ClassifierParams:
    tune_layers: int = 6  # top encoder layers fine-tuned (0 = frozen encoder, head only; 6 = all)
    members: int = 5  # fine-tuned copies (seeds seed * members + k) whose logits are averaged; 1 = one model
    epochs: int = 2
    learning_rate: float = 1e-4  # of the top fine-tuned layer
    layer_decay: float = 1.0  # each layer below the top learns at this multiple of the one above (1 = same rate)
    head_learning_rate: float = 3e-3
    weight_decay: float = 0.01
    batch_size: int = 32
    max_length: int = 96  # tokens per text; longer texts are cut
    calibration_share: float = 0.1  # of each class, held out of a member's fit (per member: see cross_fit)
    cross_fit: bool = True  # each member holds out its own rows, so the ensemble learns from every text
    lexical: bool = True  # add the TF-IDF model's log-probabilities (sentiment.ml.lexical), weighed on calibration rows
    precision: str = "auto"  # training arithmetic: bf16 autocast, fp32, or auto (bf16 where it is native)
    seed: int = 0
    threads: int = 0  # torch CPU threads; 0 keeps torch's default

    def __post_init__(self):
        if not 0 <= self.tune_layers <= ENCODER_LAYERS:
            raise ValueError(f"tune_layers must be from 0 to {ENCODER_LAYERS}, not {self.tune_layers}.")
        if not 0 <= self.calibration_share < 0.5:
            raise ValueError("calibration_share must be from 0 to 0.5.")
        if not 0 < self.layer_decay <= 1:
            raise ValueError(f"layer_decay must be above 0 and at most 1, not {self.layer_decay}.")
        if not 1 <= self.members <= 10:
            raise ValueError(f"members must be from 1 to 10, not {self.members}.")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}.")

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
    precision: str = "fp32"  # what training ran in
    lexical_seconds: float = 0.0
    lexical_weight: float = 0.0
    member_seconds: list[float] = field(default_factory=list)
    epoch_losses: list[list[float]] = field(default_factory=list)  # per member, per epoch


def _torch():
    import torch

    return torch


def network_build(tune_layers: int):
    """(tokenizer, network) with the packaged encoder's weights; the network is a torch Module."""
    torch = _torch()
    from torch import nn

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

        def share_frozen(self, other) -> None:
            """Use `other`'s frozen modules (the same packaged weights): one copy in memory per ensemble."""
            self.encoder.embeddings = other.encoder.embeddings
            for index in range(ENCODER_LAYERS - self.tune_layers):
                self.encoder.encoder.layer[index] = other.encoder.encoder.layer[index]

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
                hidden = mean_pool(hidden.float(), attention_mask)
            with torch.autocast(hidden.device.type, enabled=False):  # pooling and head in float32
                logits = self.head(self.dropout(hidden.float()))
            return logits.masked_fill(~self.class_mask, -1e4)

        def forward(self, input_ids, attention_mask):
            return self.upper(self.lower(input_ids, attention_mask), attention_mask)

    tokenizer, encoder = pretrained_load(attn_implementation="sdpa")
    return tokenizer, SentimentNetwork(encoder)


def networks_build(tune_layers: int, members: int, *, seed: int = 0):
    """(tokenizer, [network per member]): members share the frozen modules; member k's head is
    initialised from seed `member_seed(seed, members, k)`."""
    torch = _torch()
    networks = []
    for member in range(members):
        torch.manual_seed(member_seed(seed, members, member))
        tokenizer, network = network_build(tune_layers)
        if networks:
            network.share_frozen(networks[0])
        networks.append(network)
    return tokenizer, networks


def member_seed(seed: int, members: int, member: int) -> int:
    """Ensembles of different seeds never share a member seed; a one-member model uses `seed` itself."""
    return seed * members + member


def bf16_native(device: str) -> bool:
    """Whether `device` does bfloat16 matrix products in hardware (CUDA, or a CPU with AMX / AVX512-BF16)."""
    torch = _torch()
    if device.startswith("cuda"):
        return bool(torch.cuda.is_bf16_supported())
    return bool(torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported())


def precision_resolve(precision: str, device: str) -> str:
    if precision == "auto":
        return "bf16" if bf16_native(device) else "fp32"
    return precision


def _first(output):
    return output[0] if isinstance(output, tuple | list) else output


class SentimentClassifier:
    """A fitted classifier: `predict_proba(texts)` -> (n, 3) calibrated probabilities.

    `networks` holds one network per ensemble member (sharing their frozen modules); scoring runs
    the frozen part once and each member's trained part, in float32, and averages the logits."""

    def __init__(
        self,
        *,
        tokenizer,
        networks: list,
        params: ClassifierParams,
        temperature: float,
        device: str = "cpu",
        lexical_model: LexicalModel | None = None,
        lexical_weight: float = 0.0,
    ):
        if not networks:
            raise ValueError("A classifier needs at least one network.")
        self.tokenizer = tokenizer
        self.networks = [network.eval().to(device) for network in networks]
        self.params = params
        self.temperature = temperature
        self.lexical_model = lexical_model
        self.lexical_weight = lexical_weight if lexical_model is not None else 0.0
        self.device = device
        self.report = FitReport(temperature=temperature)

    @property
    def classes_present(self) -> list[str]:
        mask = self.networks[0].class_mask.tolist()
        return [label for label, seen in zip(LABELS, mask, strict=True) if seen]

    def member_logits(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """(members, n, 3) uncalibrated logits of each member."""
        return self._member_logits([treebank_untokenise(text) for text in texts], batch_size=batch_size)

    def _member_logits(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        torch = _torch()
        order = np.argsort([len(text) for text in texts], kind="stable")
        result = np.zeros((len(self.networks), len(texts), len(LABELS)), dtype=np.float32)
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
                mask = batch["attention_mask"]
                lower = self.networks[0].lower(batch["input_ids"], mask)
                for member, network in enumerate(self.networks):
                    result[member, rows] = network.upper(lower, mask).float().cpu().numpy()
        return result

    def logits(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """Uncalibrated logits: the members' mean, plus the weighted lexical log-probabilities."""
        texts = [treebank_untokenise(text) for text in texts]
        result = self._member_logits(texts, batch_size=batch_size).mean(axis=0)
        if self.lexical_weight:
            result = result + self.lexical_weight * self.lexical_model.log_proba(texts)
        return result

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return softmax(self.logits(list(texts)) / self.temperature)


def blend_fit(logits: np.ndarray, lexical_log_proba: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(lexical weight, temperature) minimising the negative log-likelihood of `labels` for
    softmax((logits + weight * lexical_log_proba) / temperature); weights 0 to 4 in steps of 0.25."""
    best = (0.0, 1.0, math.inf)
    for weight in np.arange(0, 17) * 0.25:
        blended = logits + weight * lexical_log_proba
        temperature = temperature_fit(blended, labels)
        value = nll(blended, labels, temperature)
        if value < best[2] - 1e-9:
            best = (float(weight), temperature, value)
    return best[0], best[1]


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
    texts = [treebank_untokenise(text) for text in texts]
    started = time.perf_counter()
    cpu_started = time.process_time()
    if params.threads:
        torch.set_num_threads(params.threads)
    random.seed(params.seed)
    precision = precision_resolve(params.precision, device)
    tokenizer, networks = networks_build(params.tune_layers, params.members, seed=params.seed)
    class_mask = torch.tensor([label in set(labels.tolist()) for label in range(len(LABELS))])
    for network in networks:
        network.class_mask.copy_(class_mask)
        network.to(device)
    weights = np.ones(len(labels), dtype=np.float32) if sample_weights is None else sample_weights.astype(np.float32)

    # Member k holds out fold k (cross-fit) or every member fold 0; the folds together are the calibration rows.
    folds = stratified_holdouts(
        labels, share=params.calibration_share, count=params.members if params.cross_fit else 1, seed=params.seed
    )
    member_folds = [member % len(folds) for member in range(params.members)]
    calibration_rows = np.concatenate(folds)
    encoded = tokenizer(list(texts), truncation=True, max_length=params.max_length)["input_ids"]
    lengths = [len(ids) for ids in encoded]

    # The frozen part once per text, shared by every member (sorted by length so padding stays small).
    networks[0].eval()
    cache: list = [None] * len(texts)
    order = np.argsort(lengths, kind="stable")
    with torch.no_grad():  # not inference_mode: the trained layers' backward saves these tensors
        for start in range(0, len(order), 128):
            rows = order[start : start + 128]
            input_ids, mask = _pad([encoded[row] for row in rows], device)
            lower = networks[0].lower(input_ids, mask)
            for position, row in enumerate(rows):
                state = lower[position] if params.tune_layers == 0 else lower[position, : lengths[row]]
                cache[row] = state.clone()
    report = FitReport(
        cache_seconds=time.perf_counter() - started,
        train_rows=len(labels) - len(folds[0]),
        calibration_rows=len(calibration_rows),
        precision=precision,
    )
    label_tensor = torch.tensor(labels, device=device)
    weight_tensor = torch.tensor(weights, device=device)
    for member, network in enumerate(networks):
        member_started = time.perf_counter()
        fit_rows = np.setdiff1d(np.arange(len(labels)), folds[member_folds[member]])

        def member_progress(fraction: float, member: int = member) -> None:
            if progress is not None:
                progress((member + fraction) / len(networks))

        report.epoch_losses.append(
            _train_member(
                network,
                cache,
                lengths,
                fit_rows,
                label_tensor,
                weight_tensor,
                params=params,
                seed=member_seed(params.seed, params.members, member),
                steps=max(1, math.ceil(len(fit_rows) / params.batch_size)) * params.epochs,
                precision=precision,
                device=device,
                progress=member_progress,
            )
        )
        report.member_seconds.append(time.perf_counter() - member_started)

    classifier = SentimentClassifier(
        tokenizer=tokenizer, networks=networks, params=params, temperature=1.0, device=device
    )
    if len(calibration_rows):
        calibration_labels = labels[calibration_rows]
        # Each fold's rows scored by the members that did not see them (their mean).
        calibration_logits = np.concatenate(
            [
                np.mean(
                    [
                        _logits_from_cache(network, cache, rows, params.tune_layers, device)
                        for network, fold in zip(networks, member_folds, strict=True)
                        if fold == index
                    ],
                    axis=0,
                )
                for index, rows in enumerate(folds)
                if len(rows)  # a fold can be empty when a class runs out of rows
            ]
        )
        report.calibration_nll_before = nll(calibration_logits, calibration_labels, 1.0)
        if params.lexical and len(calibration_rows) >= LEXICAL_MIN_CALIBRATION_ROWS:
            lexical_started = time.perf_counter()
            lexical_log_proba, classifier.lexical_model = _lexical_cross_fit(texts, labels, folds)
            weight, classifier.temperature = blend_fit(calibration_logits, lexical_log_proba, calibration_labels)
            classifier.lexical_weight = weight
            calibration_logits = calibration_logits + weight * lexical_log_proba
            report.lexical_seconds = time.perf_counter() - lexical_started
        else:
            classifier.temperature = temperature_fit(calibration_logits, calibration_labels)
        report.calibration_nll_after = nll(calibration_logits, calibration_labels, classifier.temperature)
    if not classifier.lexical_weight:
        classifier.lexical_model = None  # nothing to weigh it on, or weighed at 0: not kept
    report.temperature = classifier.temperature
    report.lexical_weight = classifier.lexical_weight
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu_started
    classifier.report = report
    return classifier


def _lexical_cross_fit(
    texts: list[str], labels: np.ndarray, folds: list[np.ndarray]
) -> tuple[np.ndarray, LexicalModel]:
    """(out-of-fold lexical log-probabilities of the folds' rows, in fold order; the lexical model to
    keep). With one fold the model fitted without it is kept; with several, one refitted on every text."""
    log_probas, model = [], None
    for rows in (rows for rows in folds if len(rows)):
        seen = np.setdiff1d(np.arange(len(labels)), rows)
        model = lexical_fit([texts[row] for row in seen], labels[seen])
        log_probas.append(model.log_proba([texts[row] for row in rows]))
    if len(folds) > 1:
        model = lexical_fit(texts, labels)
    return np.concatenate(log_probas), model


def _train_member(
    network,
    cache: list,
    lengths: list[int],
    fit_rows: np.ndarray,
    label_tensor,
    weight_tensor,
    *,
    params: ClassifierParams,
    seed: int,
    steps: int,
    precision: str,
    device: str,
    progress: Callable[[float], None],
) -> list[float]:
    """One member's fine-tuning (AdamW, linear warm-up over 10% of the steps, linear decay to 0); its
    mean training loss per epoch."""
    torch = _torch()
    torch.manual_seed(seed)
    groups = [{"params": list(network.head.parameters()), "lr": params.head_learning_rate}]
    for depth, layer in enumerate(reversed(network.trained_layers())):
        groups.append({"params": list(layer.parameters()), "lr": params.learning_rate * params.layer_decay**depth})
    # torch picks its multi-tensor kernels by default only on CUDA; on a CPU its per-tensor loop took
    # 12% of a training step here, the fused kernel (the same update) 5%.
    optimizer = torch.optim.AdamW(groups, weight_decay=params.weight_decay, fused=True)
    warmup = max(1, steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / (steps - warmup + 1)))
    )
    autocast = torch.autocast(
        "cuda" if device.startswith("cuda") else "cpu", dtype=torch.bfloat16, enabled=precision == "bf16"
    )
    rng = np.random.default_rng(seed)
    losses_per_epoch = []
    step = 0
    network.train()
    for _epoch in range(params.epochs):
        total = 0.0
        for rows in _length_batches(fit_rows, lengths, params.batch_size, rng):
            hidden, mask = _stack([cache[row] for row in rows], params.tune_layers, device)
            with autocast:
                logits = network.upper(hidden, mask)
            losses = torch.nn.functional.cross_entropy(logits.float(), label_tensor[rows], reduction="none")
            batch_weights = weight_tensor[rows]
            loss = (losses * batch_weights).sum() / batch_weights.sum()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for group in groups for p in group["params"]], 1.0, foreach=True)
            optimizer.step()
            scheduler.step()
            total += float(loss.detach()) * len(rows)
            step += 1
            progress(step / steps)
        losses_per_epoch.append(total / max(1, len(fit_rows)))
    network.eval()
    return losses_per_epoch


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
        f"members.{member}.{name}": tensor.detach().cpu().contiguous()
        for member, network in enumerate(model.networks)
        for name, tensor in network.state_dict().items()
        if any(name.startswith(prefix) for prefix in trained_prefixes)
    }
    torch.save(state, directory / WEIGHTS_FILE)
    if model.lexical_model is not None:
        lexical_save(model.lexical_model, directory)
    config = {
        "format_version": FORMAT_VERSION,
        "labels": list(LABELS),
        "params": model.params.as_dict(),
        "temperature": model.temperature,
        "lexical_weight": model.lexical_weight,
        "classes_present": model.classes_present,
        "report": asdict(model.report),
    }
    (directory / CONFIG_FILE).write_text(json.dumps(config, indent=2))


def load(directory: Path, *, device: str = "cpu") -> SentimentClassifier:
    torch = _torch()
    directory = Path(directory)
    config = json.loads((directory / CONFIG_FILE).read_text())
    version = config.get("format_version")
    if version not in FORMATS_READ or config.get("labels") != list(LABELS):
        raise ValueError(f"{directory / CONFIG_FILE} is not a sentiment classifier of format {FORMAT_VERSION}.")
    state = torch.load(directory / WEIGHTS_FILE, map_location="cpu", weights_only=True)
    if version == 1:  # one model, names without a member prefix, no lexical part
        config["params"]["members"] = 1
        config["params"]["lexical"] = False
        state = {f"members.0.{name}": tensor for name, tensor in state.items()}
    params = ClassifierParams(**config["params"])
    tokenizer, networks = networks_build(params.tune_layers, params.members, seed=params.seed)
    for member, network in enumerate(networks):
        prefix = f"members.{member}."
        expected = network.state_dict()
        member_state = {name.removeprefix(prefix): tensor for name, tensor in state.items() if name.startswith(prefix)}
        if not member_state:
            raise ValueError(f"{directory / WEIGHTS_FILE}: no tensors for member {member}.")
        for name, tensor in member_state.items():
            if name not in expected or expected[name].shape != tensor.shape:
                raise ValueError(f"{directory / WEIGHTS_FILE}: unexpected tensor {prefix}{name} {tuple(tensor.shape)}.")
        network.load_state_dict(member_state, strict=False)
    unknown = [name for name in state if not name.startswith("members.") or int(name.split(".")[1]) >= len(networks)]
    if unknown:
        raise ValueError(f"{directory / WEIGHTS_FILE}: unexpected tensor {unknown[0]}.")
    lexical_weight = float(config.get("lexical_weight", 0.0))
    model = SentimentClassifier(
        tokenizer=tokenizer,
        networks=networks,
        params=params,
        temperature=float(config["temperature"]),
        device=device,
        lexical_model=lexical_load(directory) if lexical_weight else None,
        lexical_weight=lexical_weight,
    )
    model.report = FitReport(**config.get("report", {}))
    return model
