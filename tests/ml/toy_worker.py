"""A Celery app for worker processes started by tests: the project's app plus the test-only toy kind.

celery -A tests.ml.toy_worker worker ...
"""

from celery.signals import worker_init

from config.celery import app
from ml import kinds

__all__ = ["app"]


@worker_init.connect
def _register_toy_kind(**kwargs) -> None:
    from tests.ml.toy import ToyKind

    kinds.register(ToyKind())
