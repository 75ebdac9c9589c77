"""Temperature scaling (Guo et al., 2017) and the softmax it calibrates.

    temperature = temperature_fit(logits, labels)   # on rows the model did not learn from
    probabilities = softmax(logits / temperature)

One temperature T divides the logits so that the held-out negative log-likelihood is smallest. Two
ways to find it, each the one an app's published figures were measured with (so they stay apart):
- `temperature_fit`: 200 log-spaced values from 0.05 to 20, in numpy float64 (review sentiment,
  which also searches a lexical weight with it: sentiment.ml.classifier.blend_fit);
- `temperature_fit_lbfgs`: log T optimised by L-BFGS in PyTorch float32, clipped to the same range
  (the support bot's intents).
"""

import math

import numpy as np

TEMPERATURE_MIN, TEMPERATURE_MAX = 0.05, 20.0


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by each row's maximum (no overflow)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of `labels` under softmax(logits / temperature)."""
    probabilities = softmax(logits / temperature)
    return float(-np.mean(np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-12, 1.0))))


def temperature_fit(logits: np.ndarray, labels: np.ndarray) -> float:
    """The grid temperature minimising the negative log-likelihood of `labels` (1.0 when nothing to fit)."""
    if len(labels) == 0:
        return 1.0
    best, best_nll = 1.0, nll(logits, labels, 1.0)
    for temperature in np.exp(np.linspace(math.log(TEMPERATURE_MIN), math.log(TEMPERATURE_MAX), 200)):
        value = nll(logits, labels, float(temperature))
        if value < best_nll:
            best, best_nll = float(temperature), value
    return best


def temperature_fit_lbfgs(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of `labels`, by L-BFGS on log T (PyTorch)."""
    import torch
    import torch.nn.functional as F

    values = torch.from_numpy(np.asarray(logits, dtype=np.float32))
    targets = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    log_t = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        optimiser.zero_grad()
        loss = F.cross_entropy(values / log_t.exp(), targets)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(np.clip(log_t.exp().item(), TEMPERATURE_MIN, TEMPERATURE_MAX))
