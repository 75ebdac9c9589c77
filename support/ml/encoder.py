"""Sentence encoders for the intent engine: the shared frozen MiniLM, or a copy fine-tuned on the intents.

Both give unit-length mean-pooled MiniLM embeddings (the sentence-transformers recipe of
all-MiniLM-L6-v2; loading and pooling: ml.text.minilm), so a head trained on either is used the
same way. Fine-tuning trains the whole transformer with a cosine-softmax head on the intents, for
a fixed time budget (the schedule is planned from the measured speed of the first steps), and is
saved with `save_pretrained` (safetensors), never pickled.
"""

import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ml import embeddings
from ml.text.minilm import pretrained_load, sentence_vectors

MAX_TOKENS = 64  # intents are short; longer messages are cut for speed


class Encoder:
    """`encode(texts)` -> float32 (n, 384) unit vectors. `transformer` None means the shared frozen encoder."""

    def __init__(self, *, device: str = "cpu", transformer=None, tokenizer=None):
        self.device = device
        self.transformer = transformer
        self.tokenizer = tokenizer

    @property
    def is_finetuned(self) -> bool:
        return self.transformer is not None

    def encode(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        if not self.is_finetuned:
            return embeddings.encode(list(texts), device=self.device, batch_size=batch_size)
        if not texts:
            return np.zeros((0, embeddings.EMBEDDING_DIMENSION), dtype=np.float32)
        self.transformer.eval()
        order = np.argsort([len(text) for text in texts])  # similar lengths together: less padding
        vectors = np.zeros((len(texts), embeddings.EMBEDDING_DIMENSION), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                chosen = order[start : start + batch_size]
                pooled = sentence_vectors(
                    self.transformer,
                    self.tokenizer,
                    [texts[i] for i in chosen],
                    device=self.device,
                    max_length=MAX_TOKENS,
                )
                vectors[chosen] = F.normalize(pooled, dim=1).float().cpu().numpy()
        return vectors

    def save(self, directory: Path) -> None:
        if self.is_finetuned:
            self.transformer.save_pretrained(str(directory), safe_serialization=True)
            self.tokenizer.save_pretrained(str(directory))


def encoder_load(directory: Path | None, *, device: str = "cpu") -> Encoder:
    """The fine-tuned encoder saved in `directory`, or the shared one when `directory` is None."""
    if directory is None:
        return Encoder(device=device)
    tokenizer, transformer = pretrained_load(directory)
    transformer = transformer.to(device)
    transformer.eval()
    return Encoder(device=device, transformer=transformer, tokenizer=tokenizer)


def encoder_finetune(
    texts: list[str],
    label_ids: np.ndarray,
    *,
    n_labels: int,
    seconds: float,
    epochs: float,
    learning_rate: float,
    batch_size: int,
    device: str,
    seed: int,
    progress: Callable[..., None] | None = None,
) -> tuple[Encoder, dict[str, float]]:
    """Fine-tune MiniLM on (texts, label_ids) for at most `epochs` passes and about `seconds`.

    Returns the encoder and facts about the run (steps, epochs done, seconds). Warm-up is 6% of the
    planned steps, then the learning rate decays linearly to zero at the last planned step.
    """
    torch.manual_seed(seed)
    generator = np.random.default_rng(seed)
    tokenizer, transformer = pretrained_load()
    transformer = transformer.to(device)
    transformer.train()
    head = torch.nn.Parameter(torch.randn(n_labels, embeddings.EMBEDDING_DIMENSION, device=device) * 0.01)
    scale = 20.0  # cosine-softmax temperature: unit vectors against unit class directions
    optimiser = torch.optim.AdamW(
        [
            {"params": transformer.parameters(), "lr": learning_rate},
            {"params": [head], "lr": learning_rate * 40},
        ],
        weight_decay=0.01,
    )
    base_rates = [group["lr"] for group in optimiser.param_groups]
    targets = torch.as_tensor(label_ids, dtype=torch.long, device=device)
    steps_per_epoch = max(1, math.ceil(len(texts) / batch_size))
    most = max(1, int(epochs * steps_per_epoch))
    planned = most
    started = time.monotonic()
    step = 0
    mark = (0, started)  # (step, time) the speed is measured from: the first steps are slower (warm-up)
    losses: list[float] = []
    while step < planned:
        order = generator.permutation(len(texts))
        for start in range(0, len(texts), batch_size):
            if step >= planned:
                break
            if step in (5, 25) or (step > 25 and step % 50 == 0):
                # re-plan from the measured speed, so the schedule ends inside the budget (the first steps
                # are the slowest: measured again from step 5 on, and every 50 steps on a machine that changes)
                now = time.monotonic()
                per_step = (now - mark[1]) / max(1, step - mark[0])
                planned = max(step + 1, min(most, step + int((seconds - (now - started)) / per_step)))
                if step == 5:
                    mark = (step, now)
            warmup = max(1, int(0.06 * planned))
            factor = (step + 1) / warmup if step < warmup else max(0.0, (planned - step) / max(1, planned - warmup))
            for group, rate in zip(optimiser.param_groups, base_rates, strict=True):
                group["lr"] = rate * factor
            chosen = order[start : start + batch_size]
            batch_texts = [texts[i] for i in chosen]
            pooled = F.normalize(
                sentence_vectors(transformer, tokenizer, batch_texts, device=device, max_length=MAX_TOKENS), dim=1
            )
            logits = scale * pooled @ F.normalize(head, dim=1).T
            loss = F.cross_entropy(logits, targets[chosen])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
            step += 1
            if progress is not None and step % 20 == 0:
                progress(step / planned, None)
            if time.monotonic() - started > seconds * 1.15:  # slower than measured (a busy machine): stop
                planned = step
    transformer.eval()
    facts = {
        "finetune_steps": float(step),
        "finetune_epochs": step / steps_per_epoch,
        "finetune_seconds": time.monotonic() - started,
        "finetune_final_loss": float(np.mean(losses[-20:])) if losses else 0.0,
    }
    return Encoder(device=device, transformer=transformer, tokenizer=tokenizer), facts
