"""End to end with a real broker and a real worker: Redis, `celery worker`, PostgreSQL, MODEL_ROOT.

The test enqueues a popularity run through the service the admin's "Retrain now" uses; a worker
process started from the command line, connected to the same Redis and the test database,
trains it and the version appears in PostgreSQL with its artifact and checksum.
"""

import hashlib
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Interaction
from ml.models import TrainingRun
from ml.services import training_run_enqueue
from tests.celery_processes import celery_on, redis_server, redis_url, start_worker
from tests.factories import ProductFactory, UserFactory

__all__ = ["celery_on", "redis_server", "redis_url", "start_worker"]  # fixtures

WAIT_SECONDS = 60


@pytest.fixture
def worker(start_worker, model_root):
    """A worker started before the test body runs, with the test's MODEL_ROOT; its log file."""
    return start_worker().log_path


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_trains_a_run_queued_like_retrain_now(worker, model_root):
    # given: a few events and a staff user; the rows are committed, so the worker sees them
    product = ProductFactory()
    now = timezone.now()
    Interaction.objects.bulk_create(
        [
            Interaction(kind="view", product=product, created_at=now - timedelta(days=20)),
            Interaction(kind="purchase", product=product, created_at=now - timedelta(days=2)),
        ]
    )
    staff = UserFactory(username="operator", is_staff=True)

    # when
    run = training_run_enqueue(kind="popularity", trigger=TrainingRun.Trigger.ADMIN, requested_by=staff)
    deadline = time.monotonic() + WAIT_SECONDS
    while not run.is_finished and time.monotonic() < deadline:
        time.sleep(0.25)
        run.refresh_from_db()

    # then
    assert run.status == "succeeded", f"run is {run.status} {run.error}\n{worker.read_text()}"
    assert run.attempts == 1
    version = run.version
    assert (version.number, version.status, version.device, version.created_by) == (1, "ready", "cpu", staff)
    assert version.row_counts == {"train_events": 1, "holdout_events": 1, "holdout_purchases": 1, "products": 1}
    manifest = (model_root / "popularity" / "v1" / "SHA256SUMS").read_bytes()
    assert version.artifact_sha256 == hashlib.sha256(manifest).hexdigest()
    assert (model_root / "popularity" / "v1" / "popularity.npz").is_file()
    assert run.registered_model.aliases.get(name="champion").version == version
    assert f"Task ml.tasks.training_run_execute[{run.task_id}] succeeded" in worker.read_text()
