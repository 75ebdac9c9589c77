"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache so cached navigation or pages cannot leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _discard_buffered_interactions():
    """Interaction events buffered in memory by one test must not be flushed by a later one."""
    from events.services import interactions_discard  # needs the app registry, ready only once tests run

    interactions_discard()
    yield
    interactions_discard()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.3 s per user; tests check behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Tests see freshly rendered pages; tests/core/test_page_cache.py turns the page cache on."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _celery_tasks_run_in_process():
    """Tasks sent during a test run in the test's process, at once (Celery's eager mode), so flows
    that queue work after commit (order emails, scoring) complete inside the test. Queues and
    workers themselves are tested with real processes in tests/ml/test_worker.py and
    tests/orders/test_email_outbox.py."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
