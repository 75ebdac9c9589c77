"""Which sentiment engine trains, and how either is saved and read back: one entry for the kind
and for `evaluate_sentiment`, so both train the same thing from the same parameters.

- `stacked` (sentiment.ml.stacked): frozen encoder + n-grams, one regression; minutes on 2 CPU cores.
- `ensemble` (sentiment.ml.classifier): fine-tuned encoders; half an hour and more on 2 CPU cores,
  minutes on a GPU. The nightly run and GPU workers train it.
- `auto`: the ensemble on a CUDA device, the stacked engine otherwise.

    model = engine_fit(texts, labels, engine="auto", params={"stacked": {...}, "classifier": {...}}, device="cpu")
"""

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from sentiment.ml import classifier, stacked

ENGINES = ("auto", "stacked", "ensemble")


def engine_resolve(engine: str, device: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}.")
    if engine == "auto":
        return "ensemble" if device.startswith("cuda") else "stacked"
    return engine


def engine_fit(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    engine: str,
    params: dict,
    device: str = "cpu",
    progress: Callable[[float], None] | None = None,
    sample_weights: np.ndarray | None = None,
):
    """A fitted model with `predict_proba(texts)`; `params` holds each engine's parameters by name
    (`stacked`, `classifier`), missing ones take their defaults."""
    if engine_resolve(engine, device) == "stacked":
        return stacked.stacked_fit(
            texts,
            labels,
            params=stacked.StackedParams(**params.get("stacked", {})),
            device=device,
            progress=progress,
            sample_weights=sample_weights,
        )
    return classifier.fit(
        texts,
        labels,
        params=classifier.ClassifierParams(**params.get("classifier", {})),
        device=device,
        progress=progress,
        sample_weights=sample_weights,
    )


def engine_save(model, directory: Path) -> None:
    if isinstance(model, stacked.StackedModel):
        stacked.stacked_save(model, directory)
    else:
        classifier.save(model, directory)


def engine_load(directory: Path):
    return stacked.stacked_load(directory) if stacked.stacked_saved(directory) else classifier.load(directory)
