"""Training runs end to end in process: stages, the quality gate, failures, retries and lost workers."""

import hashlib
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core.errors import ApplicationError
from ml import services, tasks
from ml.models import ModelAliasChange, ModelVersion, TrainingRun
from ml.selectors import champion_version
from tests.factories import UserFactory
from tests.ml.toy import train

pytestmark = pytest.mark.django_db


def test_first_run_trains_publishes_and_becomes_champion(toy, model_root):
    # given
    staff = UserFactory(username="ada", is_staff=True)

    # when
    run = train(user=staff, accuracy=0.8)

    # then
    version = run.version
    assert (run.status, run.stage, run.percent, run.error, run.attempts) == ("succeeded", "publish", 100, "", 1)
    assert set(run.stage_seconds) == {"extract", "fit", "evaluate", "publish"}
    assert "Stage fit started" in run.log
    assert "halfway" in run.log
    assert (version.number, version.status, version.device) == (1, "ready", "cpu")
    assert version.status_reason == "Accepted: accuracy 0.8000; there is no champion yet."
    assert version.metrics == {"accuracy": 0.8, "holdout_rows": 2.0}
    assert version.params == {"accuracy": 0.8, "fail": False, "transient_failures": 0, "sleep_seconds": 0}
    assert version.row_counts == {"train": 3, "holdout": 2}
    assert version.data_window_end == run.started_at
    assert version.data_window_end - version.data_window_start == timedelta(days=1)
    assert version.created_by == staff
    assert version.code_version.startswith(("git ", "storefront-ai "))
    assert version.stage_seconds == run.stage_seconds
    assert version.artifact_path == "toy/v1"
    folder = model_root / "toy" / "v1"
    assert sorted(path.name for path in folder.iterdir()) == ["SHA256SUMS", "weights.npy"]
    manifest = (folder / "SHA256SUMS").read_text()
    assert manifest == f"{hashlib.sha256((folder / 'weights.npy').read_bytes()).hexdigest()}  weights.npy\n"
    assert version.artifact_sha256 == hashlib.sha256(manifest.encode()).hexdigest()
    assert version.artifact_bytes == (folder / "weights.npy").stat().st_size
    assert champion_version(registered_model=version.registered_model) == version
    change = ModelAliasChange.objects.get()
    assert (change.from_version, change.to_version, change.cause) == (None, version, "release")


def test_quality_gate_accepts_a_candidate_within_the_tolerance(toy, settings):
    # given
    settings.ML_QUALITY_TOLERANCE = 0.02
    train(accuracy=0.50)

    # when: 0.491 is 1.8 % below the champion's 0.50
    run = train(accuracy=0.491)

    # then
    assert run.version.status_reason == "Accepted: accuracy 0.4910 vs champion v1 0.5000 (tolerance 2%)."
    assert champion_version(registered_model=run.registered_model).number == 2


def test_quality_gate_rejects_a_worse_candidate_which_stays_ready(toy, settings):
    # given
    settings.ML_QUALITY_TOLERANCE = 0.02
    train(accuracy=0.50)

    # when: 0.489 is 2.2 % below the champion
    run = train(accuracy=0.489)

    # then
    assert run.status == "succeeded"
    assert run.version.status == "ready"
    assert run.version.status_reason == (
        "Rejected by the quality gate: accuracy 0.4890 vs champion v1 0.5000 is worse by more than 2%."
    )
    assert champion_version(registered_model=run.registered_model).number == 1
    assert ModelAliasChange.objects.count() == 1


@pytest.mark.parametrize(
    ("candidate", "accepted"),
    [(0.101, True), (0.103, False)],
)
def test_quality_gate_for_a_metric_where_lower_is_better(candidate, accepted):
    # given a champion with an error of 0.100 and a 2 % tolerance
    champion = ModelVersion(number=4, metrics={"rmse": 0.100})

    # when
    result, reason = services.quality_gate(
        main_metric="rmse", candidate=candidate, champion=champion, higher_is_better=False, tolerance=0.02
    )

    # then
    assert result is accepted
    assert reason.startswith("Accepted" if accepted else "Rejected by the quality gate")


def test_a_failing_fit_fails_the_run_and_its_version_and_leaves_the_champion(toy, model_root):
    # given
    champion = train(accuracy=0.5).version

    # when
    run = train(fail=True)

    # then
    assert run.status == "failed"
    assert run.error == "FloatingPointError: invalid value encountered in sqrt"
    assert "Traceback" in run.log
    assert run.finished_at is not None
    failed = run.version
    assert (failed.number, failed.status, failed.status_reason) == (2, "failed", run.error)
    assert failed.artifact_path == ""
    assert not (model_root / "toy" / "v2").exists()
    assert [path.name for path in (model_root / "toy").iterdir()] == ["v1"]
    assert champion_version(registered_model=run.registered_model) == champion
    assert ModelAliasChange.objects.count() == 1


def test_a_failing_extract_fails_the_run_without_a_version(toy, monkeypatch):
    # given
    def broken_extract(**kwargs):
        raise KeyError("orders")

    monkeypatch.setattr(toy, "extract", broken_extract)

    # when
    run = train()

    # then
    assert (run.status, run.stage, run.error) == ("failed", "extract", "KeyError: 'orders'")
    assert not ModelVersion.objects.exists()


def test_executing_a_finished_run_again_changes_nothing(toy):
    # given
    run = train()
    log = run.log

    # when
    again = services.training_run_execute(run_id=run.pk)

    # then
    assert again.status == "succeeded"
    assert again.log == log
    assert ModelVersion.objects.count() == 1
    assert toy.fits == 1


def test_a_retry_after_a_transient_error_resumes_the_run_with_the_same_version(toy, model_root):
    # given: the first attempt loses the database connection during the fit
    run = services.training_run_create(kind="toy", trigger="command", params={"transient_failures": 1})
    with pytest.raises(OperationalError):
        services.training_run_execute(run_id=run.pk, task_id="task-1", retries=0)
    run.refresh_from_db()
    assert (run.status, run.stage, run.attempts) == ("running", "fit", 1)
    assert run.version.status == "training"

    # when: Celery retries the same task
    resumed = services.training_run_execute(run_id=run.pk, task_id="task-1", retries=1)

    # then
    assert (resumed.status, resumed.attempts) == ("succeeded", 2)
    assert "Attempt 2 started (task task-1)" in resumed.log
    assert list(ModelVersion.objects.values_list("number", "status")) == [(1, "ready")]
    assert [path.name for path in (model_root / "toy").iterdir()] == ["v1"]


def test_a_second_delivery_of_a_running_run_does_not_start_it_twice(toy):
    # given: attempt 1 is running (as far as the database knows)
    run = services.training_run_create(kind="toy", trigger="command", params={"transient_failures": 1})
    with pytest.raises(OperationalError):
        services.training_run_execute(run_id=run.pk, task_id="task-1", retries=0)

    # when: the broker delivers the same message again (same retry count)
    again = services.training_run_execute(run_id=run.pk, task_id="task-1", retries=0)

    # then
    assert (again.status, again.attempts) == ("running", 1)
    assert toy.fits == 1


def test_runs_whose_worker_stopped_reporting_are_failed(toy, settings):
    # given
    settings.ML_TRAINING_STALE_SECONDS = 900
    champion = train().version
    now = timezone.now()
    lost = services.training_run_create(kind="toy", trigger="schedule")
    TrainingRun.objects.filter(pk=lost.pk).update(
        status="running", stage="fit", heartbeat_at=now - timedelta(minutes=16)
    )
    busy = services.training_run_create(kind="toy", trigger="schedule")
    TrainingRun.objects.filter(pk=busy.pk).update(
        status="running", stage="fit", heartbeat_at=now - timedelta(minutes=14)
    )

    # when
    reaped = services.training_runs_reap(now=now)

    # then
    assert reaped == 1
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.status == "failed"
    assert lost.error.startswith("Worker lost: no progress report since ")
    assert lost.error.endswith("(stage fit); the worker was probably killed or ran out of memory.")
    assert busy.status == "running"
    assert champion_version(registered_model=champion.registered_model) == champion


def test_a_run_reaped_as_lost_during_a_silent_fit_does_not_publish_when_the_fit_ends(toy, model_root, monkeypatch):
    # given: a fit so silent that the reaper fails its run before it ends
    champion = train(accuracy=0.5).version
    run = services.training_run_create(kind="toy", trigger="schedule", params={"accuracy": 0.9})
    fit = toy.fit

    def fit_outlived_by_the_reaper(**kwargs):
        services.training_run_fail(run_id=run.pk, error="Worker lost: no progress report since 02:31:00 (stage fit).")
        return fit(**kwargs)

    monkeypatch.setattr(toy, "fit", fit_outlived_by_the_reaper)

    # when
    run = services.training_run_execute(run_id=run.pk)

    # then
    assert (run.status, run.error) == ("failed", "Worker lost: no progress report since 02:31:00 (stage fit).")
    assert (run.version.number, run.version.status) == (2, "failed")
    assert champion_version(registered_model=champion.registered_model) == champion
    assert [path.name for path in (model_root / "toy").iterdir()] == ["v1"]


def test_unknown_kind_or_parameter_is_refused_without_a_run(toy):
    # when
    with pytest.raises(ApplicationError) as unknown_kind:
        services.training_run_create(kind="nope", trigger="api")
    with pytest.raises(ApplicationError) as unknown_param:
        services.training_run_create(kind="toy", trigger="api", params={"learning_rate": 0.1})

    # then
    assert unknown_kind.value.code == "unknown_model_kind"
    assert unknown_kind.value.message.startswith("Unknown model kind 'nope'. Known kinds: ")
    assert unknown_param.value.message == "Unknown parameters for toy: learning_rate."
    assert unknown_param.value.details == {"params": ["Allowed: accuracy, fail, sleep_seconds, transient_failures."]}
    assert not TrainingRun.objects.exists()


def test_enqueue_sends_the_task_with_the_run_id_once_the_run_is_committed(
    toy, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the broker is replaced by a list (the real one is exercised by test_worker.py)
    sent = []
    monkeypatch.setattr(tasks.training_run_execute, "apply_async", lambda **kwargs: sent.append(kwargs))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = services.training_run_enqueue(kind="toy", trigger="api")
        assert sent == []

    # then
    assert run.status == "queued"
    assert len(run.task_id) == 36
    assert sent == [{"args": [run.pk], "task_id": run.task_id}]


def test_an_unreachable_broker_fails_the_run(toy, django_capture_on_commit_callbacks, monkeypatch):
    # given
    def unreachable(**kwargs):
        raise BrokerError("Error 111 connecting to localhost:6379. Connection refused.")

    monkeypatch.setattr(tasks.training_run_execute, "apply_async", unreachable)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = services.training_run_enqueue(kind="toy", trigger="api")

    # then
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error == "Could not reach the task broker: Error 111 connecting to localhost:6379. Connection refused."


def test_a_version_that_does_not_beat_its_kinds_baseline_is_not_released(toy, monkeypatch):
    # given: the toy's baseline metric is its holdout row count, far above any accuracy below 1
    monkeypatch.setattr(toy, "baseline_metric", "holdout_rows")

    # when
    run = train(accuracy=0.9)

    # then
    baseline = run.version.metrics["holdout_rows"]
    assert run.version.status == "ready"
    assert run.version.status_reason == (
        f"Rejected: accuracy 0.9000 does not beat the baseline's {baseline:.4f} (holdout_rows) on the same rows."
    )
    assert champion_version(registered_model=run.registered_model) is None

    # when: a version that beats it
    run = train(accuracy=baseline + 1)

    # then
    assert champion_version(registered_model=run.registered_model) == run.version
