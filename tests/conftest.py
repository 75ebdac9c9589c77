"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache so cached navigation or pages cannot leak between tests."""
    cache.clear()
    yield
    cache.clear()
