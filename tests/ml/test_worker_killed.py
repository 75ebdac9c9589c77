"""A worker killed in the middle of a training (kill -9, as the out-of-memory killer does): the
champion keeps serving, the run is marked failed by the reaper, and a redelivered task trains
nothing twice. Real processes: redis-server, `celery worker`, PostgreSQL."""

import signal
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from ml import loader
from ml.models import ModelVersion, TrainingRun
from ml.services import training_run_enqueue, training_runs_reap
from ml.tasks import training_run_execute
from tests.celery_processes import celery_on, redis_server, redis_url, start_worker
from tests.ml.toy import train as toy_train

__all__ = ["celery_on", "redis_server", "redis_url", "start_worker"]  # fixtures


def versions() -> list[tuple[int, str]]:
    return list(
        ModelVersion.objects.filter(registered_model__name="toy").order_by("number").values_list("number", "status")
    )


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_killed_training_fails_cleanly_while_the_champion_keeps_serving(toy, start_worker):
    # given: a champion, and a long training picked up by a worker
    champion = toy_train(accuracy=0.6).version
    run = training_run_enqueue(kind="toy", trigger=TrainingRun.Trigger.ADMIN, params={"sleep_seconds": 120})
    worker = start_worker(app="tests.ml.toy_worker")
    wait_for(lambda: TrainingRun.objects.get(pk=run.pk).stage == TrainingRun.Stage.FIT)

    # when: the worker is killed mid-fit
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)

    # then: the champion still serves
    served = loader.champion("toy")
    assert (served.version_id, float(served.model[0])) == (champion.pk, 0.6)

    # when: the reaper runs once the run has been silent for the stale period
    later = timezone.now() + timedelta(seconds=settings.ML_TRAINING_STALE_SECONDS + 1)
    reaped = training_runs_reap(now=later)

    # then: the run and its version are failed with a reason, and its artifact files are gone
    run.refresh_from_db()
    assert reaped == 1
    assert run.status == TrainingRun.Status.FAILED
    assert "Worker lost" in run.error
    assert versions() == [(1, ModelVersion.Status.READY), (2, ModelVersion.Status.FAILED)]
    assert not (settings.MODEL_ROOT / "toy" / "v2").exists()

    # when: the broker delivers the task again (acks_late) to a new worker
    second = start_worker(app="tests.ml.toy_worker")
    training_run_execute.apply_async(args=[run.pk], task_id=run.task_id)

    # then: the finished run is not trained again: no new version, the same champion
    wait_for(lambda: f"{run.task_id}] succeeded" in second.log_path.read_text())
    assert versions() == [(1, ModelVersion.Status.READY), (2, ModelVersion.Status.FAILED)]
    assert loader.champion("toy").version_id == champion.pk
