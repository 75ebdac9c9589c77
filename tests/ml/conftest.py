"""Fixtures of the ML platform tests: an isolated MODEL_ROOT, an empty loader cache, the toy kind."""

import pytest

from ml import kinds, loader
from tests.ml.toy import ToyKind


@pytest.fixture(autouse=True)
def model_root(settings, tmp_path):
    settings.MODEL_ROOT = tmp_path / "models"
    return settings.MODEL_ROOT


@pytest.fixture(autouse=True)
def _fresh_loader_cache():
    loader.cache.clear()
    yield
    loader.cache.clear()


@pytest.fixture
def toy(monkeypatch):
    kind = ToyKind()
    monkeypatch.setitem(kinds._kinds, kind.name, kind)
    return kind
