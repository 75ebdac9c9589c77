"""The recommendation models train through the ML platform: reuse its isolated MODEL_ROOT and loader cache."""

import pytest

from tests.ml.conftest import _fresh_loader_cache, model_root
from tests.recommendations.store import Store, planted_store, train

__all__ = ["_fresh_loader_cache", "model_root"]


@pytest.fixture
def store(settings) -> Store:
    """The planted store (tests.recommendations.store) with one `als` version trained, published and champion."""
    settings.ML_DEVICE = "cpu"
    store = planted_store()
    train(store)
    return store
