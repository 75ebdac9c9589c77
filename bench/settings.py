"""Production-like settings for the page benchmark: the site plus a minimal "ceiling" view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
