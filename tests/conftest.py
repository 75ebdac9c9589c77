"""Fixtures shared by the whole suite."""

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection


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


@pytest.fixture(scope="session", autouse=True)
def _postgres_extensions(django_db_blocker):
    """Install pg_trgm into template1 before the test database is created from it.

    The suite builds tables from the models (--no-migrations), so the extension that migration
    shop.0001 would install is missing and the trigram indexes could not be created.
    """
    db = connection.settings_dict
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"]}
    with django_db_blocker.unblock(), psycopg.connect(dbname="template1", autocommit=True, **params) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.3 s per user; tests check behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
