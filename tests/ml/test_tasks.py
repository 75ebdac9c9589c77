"""The Celery tasks, executed in process with Celery's own `apply` (retries included)."""

import pytest

from ml import services, tasks
from ml.models import ModelVersion, TrainingRun

pytestmark = pytest.mark.django_db


def test_the_training_task_trains_its_run(toy):
    # given
    run = services.training_run_create(kind="toy", trigger="api", task_id="task-7")

    # when
    result = tasks.training_run_execute.apply(args=[run.pk], task_id="task-7")

    # then
    assert result.get() == {"run_id": run.pk, "status": "succeeded"}
    run.refresh_from_db()
    assert (run.task_id, run.attempts, run.version.number) == ("task-7", 1, 1)


def test_transient_errors_are_retried_and_the_run_resumes(toy):
    # given: the database connection drops during the first two fits
    run = services.training_run_create(kind="toy", trigger="api", params={"transient_failures": 2})

    # when
    result = tasks.training_run_execute.apply(args=[run.pk], task_id="task-8")

    # then
    assert result.get() == {"run_id": run.pk, "status": "succeeded"}
    run.refresh_from_db()
    assert run.attempts == 3
    assert ModelVersion.objects.count() == 1


def test_a_run_is_failed_when_the_retries_are_used_up(toy):
    # given: more dropped connections than retries
    run = services.training_run_create(kind="toy", trigger="api", params={"transient_failures": 10})

    # when
    result = tasks.training_run_execute.apply(args=[run.pk], task_id="task-9")

    # then
    assert result.failed()
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.attempts == 6
    assert run.error == "Gave up after retries: OperationalError: server closed the connection unexpectedly"
    assert ModelVersion.objects.get().status == "failed"


def test_the_nightly_task_queues_a_run(toy):
    # when
    run_id = tasks.training_run_scheduled.apply(kwargs={"kind": "toy"}).get()

    # then
    run = TrainingRun.objects.get(pk=run_id)
    assert (run.registered_model.name, run.trigger, run.status, run.requested_by) == ("toy", "schedule", "queued", None)


def test_the_nightly_run_takes_the_kinds_scheduled_params():
    # when: the sentiment kind asks the nightly run for its fine-tuned ensemble
    run_id = tasks.training_run_scheduled.apply(kwargs={"kind": "sentiment"}).get()

    # then
    run = TrainingRun.objects.get(pk=run_id)
    assert (run.trigger, run.params) == ("schedule", {"engine": "ensemble"})
