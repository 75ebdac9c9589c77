"""Warm-up of a web worker (core.warmup, called by config/gunicorn.py before a worker takes requests)."""

import pytest

from core.warmup import warm_up
from ml import kinds, loader

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_loader_cache():
    loader.cache.clear()
    yield
    loader.cache.clear()


def test_warm_up_loads_every_kind_and_signals_after_each_step():
    beats = []

    warm_up(heartbeat=lambda: beats.append("alive"))

    assert beats == ["alive", "alive", "alive"]
    assert sorted(loader.cache._entries) == kinds.kind_names()


def test_a_failing_step_is_logged_and_the_worker_still_boots(monkeypatch, caplog):
    def encoder_missing(text):
        raise OSError("model files missing")

    monkeypatch.setattr("support.inference.understand", encoder_missing)
    beats = []

    warm_up(heartbeat=lambda: beats.append("alive"))

    assert beats == ["alive", "alive", "alive"]
    assert "Warm-up of the support bot failed" in caplog.text
    assert sorted(loader.cache._entries) == kinds.kind_names()  # the other step still ran
