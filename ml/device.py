"""Which device a training runs on, decided in one place for every framework.

`ML_DEVICE` is `auto` (a GPU when the framework can use one, else the CPU, with a log line
saying why), `cpu`, or `cuda` (a GPU or a clear error, never a silent CPU run). The GPU
frameworks are optional dependencies and are imported only here, lazily, when a kind asks.
"""

import functools
import importlib
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.errors import ApplicationError

logger = logging.getLogger(__name__)

DEVICE_CHOICES = ("auto", "cpu", "cuda")
FRAMEWORKS = ("numpy", "torch", "implicit", "lightgbm")


class DeviceUnavailableError(ApplicationError):
    """ML_DEVICE=cuda, but this framework cannot use a GPU on this machine."""

    def __init__(self, message: str):
        super().__init__(message, code="device_unavailable")


def select_device(*, framework: str) -> str:
    """ "cuda" or "cpu" for a training with `framework`, following settings.ML_DEVICE."""
    wanted = settings.ML_DEVICE
    if wanted not in DEVICE_CHOICES:
        raise ImproperlyConfigured(f"ML_DEVICE must be one of {', '.join(DEVICE_CHOICES)}, not {wanted!r}.")
    if framework not in FRAMEWORKS:
        raise ValueError(f"Unknown framework {framework!r}; expected one of {', '.join(FRAMEWORKS)}.")
    if wanted == "cpu":
        return "cpu"
    if framework == "numpy":
        logger.info("Training with numpy runs on the CPU (ML_DEVICE=%s).", wanted)
        return "cpu"
    available, reason = _gpu_support(framework)
    if available:
        return "cuda"
    if wanted == "cuda":
        raise DeviceUnavailableError(f"ML_DEVICE=cuda, but {reason}. Set ML_DEVICE=auto or cpu to train on the CPU.")
    logger.info("Training with %s on the CPU: %s.", framework, reason)
    return "cpu"


@functools.cache
def _gpu_support(framework: str) -> tuple[bool, str]:
    """(usable, why not) for one GPU framework. Probed once per process: the answer cannot change."""
    try:
        module = importlib.import_module(
            {"torch": "torch", "implicit": "implicit.gpu", "lightgbm": "lightgbm"}[framework]
        )
    except ImportError:
        return False, f"{framework} is not installed"
    if framework == "torch":
        return (True, "") if module.cuda.is_available() else (False, "PyTorch sees no CUDA GPU")
    if framework == "implicit":
        return (True, "") if module.HAS_CUDA else (False, "implicit was built without CUDA or sees no GPU")
    return _lightgbm_gpu_support(module)


def _lightgbm_gpu_support(lightgbm) -> tuple[bool, str]:
    """LightGBM has no flag for its CUDA build: train one tiny booster with device_type=cuda and see."""
    import numpy as np

    features = np.arange(20, dtype=np.float64).reshape(10, 2)
    try:
        lightgbm.train(
            {"device_type": "cuda", "objective": "regression", "verbose": -1, "num_iterations": 1},
            lightgbm.Dataset(features, label=features[:, 0]),
        )
    except lightgbm.basic.LightGBMError as exc:
        return False, f"LightGBM cannot use CUDA ({exc})"
    return True, ""
