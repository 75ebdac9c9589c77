"""Signed-in sessions for the benchmarks: shoppers who browse with a session cookie of their own."""

from django.conf import settings
from django.test import Client


def session_cookie(user) -> str:
    """The value of a new session cookie signed in as `user` (as `login()` makes it, without a password)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
