"""The recommendation models train through the ML platform: reuse its isolated MODEL_ROOT and loader cache."""

from tests.ml.conftest import _fresh_loader_cache, model_root

__all__ = ["_fresh_loader_cache", "model_root"]
