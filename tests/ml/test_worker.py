"""End to end with a real broker and a real worker: Redis, `celery worker`, PostgreSQL, MODEL_ROOT.

The test enqueues a popularity run through the service the admin's "Retrain now" uses; a worker
process started from the command line, connected to the same Redis and the test database,
trains it and the version appears in PostgreSQL with its artifact and checksum.
"""

import hashlib
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from events.models import Interaction
from ml.models import TrainingRun
from ml.services import training_run_enqueue
from tests.factories import ProductFactory, UserFactory

WAIT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on a free port, without persistence; stopped after the test."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def celery_on(redis_url, monkeypatch):
    """Point this process's Celery app at the test Redis (its broker pools are reset before and after)."""
    celery_app.close()
    monkeypatch.setitem(celery_app.conf, "broker_url", redis_url)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    yield redis_url
    celery_app.close()


def worker_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker(celery_on, model_root, tmp_path):
    """`celery -A config worker -Q default,gpu` against the test database and MODEL_ROOT."""
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "REDIS_URL": celery_on,
        "DATABASE_URL": worker_database_url(),
        "MODEL_ROOT": str(model_root),
        "DEBUG": "true",
        "SECRET_KEY": "worker-test-secret",
        "CONN_MAX_AGE": "0",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,gpu"),
                *("--concurrency", "1", "-P", "solo", "-l", "info", "--without-gossip", "--without-mingle"),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
