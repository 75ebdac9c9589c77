"""The registry of model kinds: the small interface through which each app plugs a model into the platform.

A kind is one kind of model (popularity, recommendations, pricing, ...). The app that owns it
subclasses `ModelKind` and calls `register(...)` in its `AppConfig.ready()`. The platform
(ml.services) then trains it the same way for every kind:

    data = kind.extract(params=..., as_of=...)                 # stage "extract" (Django layer: reads the DB)
    model = kind.fit(data=data.train, ...)                     # stage "fit"
    final = kind.fit(data=data.full, ...) if data.full is not None else model
    metrics = kind.evaluate(model=model, data=data)            # stage "evaluate" (held-out split)
    kind.save(model=final, directory=...)                      # stage "publish": the artifact (native formats only)
    # the version row now records the artifact (path, checksum), metrics, params, data window; still `training`
    kind.publish(version=version, model=final, data=data)      # stage "publish": what is served next to the model
    # then ONE transaction: version `ready`, quality gate, champion alias switched if it passed

and serves it with `kind.load(directory=...)`, or `kind.baseline()` when no trained model can be
loaded. `fit`, `evaluate`, `save`, `load` and `baseline` should call pure functions of the app's
`ml/` package (arrays in, arrays and metrics out). `publish` is the Django layer again (it may
write the app's own tables); it does nothing unless a kind overrides it.

`save` only writes files; `publish` gets the `ml.ModelVersion` row (id, params, data window),
the model `save` wrote and the training data, all from the platform's call: no side channel.
"""

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from core.errors import ApplicationError

if TYPE_CHECKING:  # for the annotation only: the contract needs no Django model at import time
    from ml.models import ModelVersion

# `progress(fraction, message=None)`: fraction of the current stage done, 0.0 to 1.0. Kinds call it
# during long fits (at least every few minutes: a silent run is taken for a lost worker).
Progress = Callable[..., None]


@dataclass(frozen=True)
class TrainingData:
    """What `extract` returns: a training split, a held-out split, and optionally both together.

    `full` is what the published model learns from after the evaluation (train + holdout, so the
    served model also knows the most recent data); None publishes the evaluated model itself.
    `row_counts` and the window are recorded on the model version.
    """

    train: Any
    holdout: Any
    window_start: datetime
    window_end: datetime
    row_counts: dict[str, int]
    full: Any = None


class ModelKind(ABC):
    """One kind of model. Subclasses set the class attributes and implement the methods."""

    name: ClassVar[str]  # slug, also the RegisteredModel name and the artifact folder
    title: ClassVar[str]
    main_metric: ClassVar[str]  # the metric the quality gate compares; must be in evaluate()'s result
    # A metric of evaluate()'s result that scores the kind's untrained baseline on the same rows (e.g.
    # "baseline_vader_macro_f1"): a version whose main metric does not beat it never becomes champion.
    baseline_metric: ClassVar[str | None] = None
    higher_is_better: ClassVar[bool] = True
    framework: ClassVar[str] = "numpy"  # "numpy", "torch", "implicit" or "lightgbm" (ml.device)
    default_params: ClassVar[dict[str, Any]] = {}
    # What the nightly run changes in default_params (e.g. a slower, better recipe than the first training's).
    scheduled_params: ClassVar[dict[str, Any]] = {}
    nightly_at: ClassVar[tuple[int, int]] = (3, 0)  # (hour, minute) of the nightly retraining
    # Rough wall time of one training run on the demo store with 2 CPU cores. Runs queued together
    # (`train all`, the admin's "Retrain now") go quickest first, so that one worker serves the quick
    # models within a minute instead of after a half-hour fine-tuning.
    typical_training_minutes: ClassVar[float] = 1.0

    @abstractmethod
    def extract(self, *, params: dict[str, Any], as_of: datetime) -> TrainingData:
        """Read the training data from the database, up to `as_of`."""

    @abstractmethod
    def fit(self, *, data: Any, params: dict[str, Any], device: str, progress: Progress) -> Any:
        """Learn a model from one split on `device` ("cpu" or "cuda")."""

    @abstractmethod
    def evaluate(self, *, model: Any, data: TrainingData) -> dict[str, float]:
        """Metrics of a model fitted on `data.train`, measured on `data.holdout`."""

    @abstractmethod
    def save(self, *, model: Any, directory: Path) -> None:
        """Write the model into an existing empty folder, in native formats (never pickle)."""

    def publish(self, *, version: "ModelVersion", model: Any, data: TrainingData) -> None:  # noqa: B027 (optional)
        """Write what must be served with a trained version (e.g. precomputed lists); by default nothing.

        `model` is the one `save` wrote (fitted on `data.full` when the kind gives one, else on
        `data.train`) and `data` what `extract` returned, both still in memory: publishing needs no
        reload and no second read of the training window.

        When: once per training run that got this far, in the publish stage, right after `save`.
        The version row then exists with its artifact recorded (`artifact_path`, `artifact_sha256`),
        its metrics, params and data window, and is still `training`; the release transaction
        (version `ready`, quality gate, champion alias) follows. So what publish writes is complete
        before any reader can be pointed at the version, and stays for a version the gate rejects
        (a later promote or rollback serves it as it is). Promote, rollback and archive do not call it.

        Failure: an exception fails the run and the version like any stage's (the artifact is
        discarded, the champion untouched); publish should write atomically so that a failure
        leaves nothing half-written. Idempotency: a Celery retry of the run (after a transient
        database error) calls it again with the same version row, so it must replace what an
        earlier call wrote for that version.
        """

    @abstractmethod
    def load(self, *, directory: Path) -> Any:
        """Read a model written by `save`."""

    @abstractmethod
    def baseline(self) -> Any:
        """A model that needs no training, served when no trained model is available. Must not fail."""


_kinds: dict[str, ModelKind] = {}


def register(kind: ModelKind) -> None:
    """Make a kind known to the platform (call from the owning app's `ready()`)."""
    existing = _kinds.get(kind.name)
    if existing is not None and type(existing) is not type(kind):
        raise ValueError(f"Model kind {kind.name!r} is already registered by {type(existing).__name__}.")
    _kinds[kind.name] = kind


def kind_get(name: str) -> ModelKind:
    """The registered kind called `name`; an ApplicationError listing the known kinds otherwise."""
    try:
        return _kinds[name]
    except KeyError:
        known = kind_names()
        raise ApplicationError(
            f"Unknown model kind {name!r}. Known kinds: {', '.join(known) or 'none'}.",
            code="unknown_model_kind",
            details={"kind": [f"Choose one of: {', '.join(known)}."]},
        ) from None


def kind_names() -> list[str]:
    return sorted(_kinds)


def quickest_first(names: Iterable[str]) -> list[str]:
    """Kind names in the order a lone worker should train them: the quickest first (unknown ones last)."""
    return sorted(names, key=lambda name: _kinds[name].typical_training_minutes if name in _kinds else math.inf)


def kinds_all() -> list[ModelKind]:
    return [_kinds[name] for name in kind_names()]
