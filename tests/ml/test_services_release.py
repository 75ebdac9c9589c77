"""Releases: the kind's publish step before a version is released; staff promote, roll back and archive."""

import pytest
from django.db import OperationalError

from core.errors import ApplicationError
from ml import services
from ml.models import ModelAliasChange, ModelVersion
from ml.selectors import champion_version
from tests.factories import UserFactory
from tests.ml.toy import train

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(username="grace", is_staff=True)


def champion_number(version: ModelVersion) -> int:
    return champion_version(registered_model=version.registered_model).number


@pytest.mark.parametrize(("accuracy", "champion_after"), [(0.6, 2), (0.4, 1)])
def test_publish_gets_the_version_once_after_its_artifact_is_recorded_and_before_its_release(
    toy, accuracy, champion_after
):
    # given
    train(accuracy=0.5)

    # when: a better candidate (released as champion) or a worse one (kept ready by the gate)
    run = train(accuracy=accuracy)

    # then: one call per run; this run's saw its own version still training, its artifact and
    # metrics recorded, the model it saved and the data it was trained on, and v1 still champion
    assert [call["version"].number for call in toy.published] == [1, 2]
    call = toy.published[1]
    assert call["version"] == run.version
    assert (call["stored_status"], call["artifact_path"], call["model"]) == ("training", "toy/v2", [accuracy])
    assert call["data_window"] == (run.version.data_window_start, run.version.data_window_end)
    assert call["metrics"] == {"accuracy": accuracy, "holdout_rows": 2.0}
    assert call["champion"] == 1
    assert (run.status, run.version.status) == ("succeeded", "ready")
    assert champion_number(run.version) == champion_after


def test_a_failing_publish_fails_the_run_and_its_version_and_leaves_the_champion(toy, model_root):
    # given
    champion = train(accuracy=0.5).version
    toy.publish_errors.append(RuntimeError("lists could not be written"))

    # when
    run = train(accuracy=0.9)

    # then
    assert (run.status, run.stage, run.error) == ("failed", "publish", "RuntimeError: lists could not be written")
    failed = run.version
    assert (failed.number, failed.status, failed.status_reason) == (2, "failed", run.error)
    assert (failed.artifact_path, failed.artifact_sha256, failed.artifact_bytes) == ("", "", None)
    assert [path.name for path in (model_root / "toy").iterdir()] == ["v1"]
    assert champion_number(champion) == 1
    assert ModelAliasChange.objects.count() == 1


def test_a_retry_after_a_transient_error_in_publish_publishes_the_same_version_again(toy):
    # given: the first attempt loses the database connection while publishing
    toy.publish_errors.append(OperationalError("server closed the connection unexpectedly"))
    run = services.training_run_create(kind="toy", trigger="command")
    with pytest.raises(OperationalError):
        services.training_run_execute(run_id=run.pk, task_id="task-1", retries=0)

    # when: Celery retries the same task
    resumed = services.training_run_execute(run_id=run.pk, task_id="task-1", retries=1)

    # then: publish ran once per attempt, for the one version, which is then released
    assert resumed.status == "succeeded"
    assert [call["version"].pk for call in toy.published] == [resumed.version.pk] * 2
    assert list(ModelVersion.objects.values_list("number", "status")) == [(1, "ready")]
    assert champion_number(resumed.version) == 1


def test_promote_and_rollback_do_not_publish_again(toy, staff):
    # given: v1 champion, v2 kept ready by the gate
    train(accuracy=0.9)
    rejected = train(accuracy=0.5).version

    # when
    services.model_version_promote(version=rejected, user=staff)
    services.registered_model_rollback(registered_model=rejected.registered_model, user=staff)

    # then
    assert [call["version"].number for call in toy.published] == [1, 2]


def test_staff_promote_a_version_the_quality_gate_rejected(toy, staff):
    # given
    train(accuracy=0.9)
    rejected = train(accuracy=0.5).version

    # when
    services.model_version_promote(version=rejected, user=staff, reason="Better on the spring catalogue.")

    # then
    assert champion_number(rejected) == 2
    change = ModelAliasChange.objects.first()
    assert (change.from_version.number, change.to_version, change.cause) == (1, rejected, "promote")
    assert (change.changed_by, change.reason) == (staff, "Better on the spring catalogue.")


@pytest.mark.parametrize(("fail", "archive"), [(True, False), (False, True)])
def test_only_ready_versions_can_be_promoted(toy, staff, fail, archive):
    # given: v1 champion, v2 failed or archived
    train(accuracy=0.9)
    version = train(accuracy=0.5, fail=fail).version
    if archive:
        services.model_version_archive(version=version, user=staff)

    # when
    with pytest.raises(ApplicationError) as refused:
        services.model_version_promote(version=version, user=staff)

    # then
    assert refused.value.code == "version_not_ready"
    status = "failed" if fail else "archived"
    assert refused.value.message == f"Only ready versions can be promoted; toy v2 is {status}."
    assert champion_number(version) == 1
    assert ModelAliasChange.objects.count() == 1


def test_promoting_the_champion_is_refused(toy, staff):
    # given
    champion = train().version

    # when
    with pytest.raises(ApplicationError) as refused:
        services.model_version_promote(version=champion, user=staff)

    # then
    assert (refused.value.code, refused.value.message) == ("already_champion", "toy v1 is already the champion.")
    assert ModelAliasChange.objects.count() == 1


def test_rollbacks_walk_back_through_the_released_champions(toy, staff):
    # given: three releases
    for accuracy in (0.5, 0.6, 0.7):
        train(accuracy=accuracy)
    v3 = ModelVersion.objects.get(number=3)

    # when
    first = services.registered_model_rollback(registered_model=v3.registered_model, user=staff)
    second = services.registered_model_rollback(registered_model=v3.registered_model, user=staff)
    with pytest.raises(ApplicationError) as refused:
        services.registered_model_rollback(registered_model=v3.registered_model, user=staff)

    # then
    assert (first.number, second.number) == (2, 1)
    assert champion_number(v3) == 1
    assert refused.value.code == "no_previous_champion"
    assert refused.value.message == "toy v1 was the first champion of toy; there is nothing to roll back to."
    assert list(ModelAliasChange.objects.values_list("cause", "reason")[:2]) == [
        ("rollback", "Rolled back from v2 by grace."),
        ("rollback", "Rolled back from v3 by grace."),
    ]


def test_rollback_refuses_an_archived_previous_champion(toy, staff):
    # given: v1 was champion, then v2; v1 is archived
    v1 = train(accuracy=0.5).version
    v2 = train(accuracy=0.6).version
    services.model_version_archive(version=v1, user=staff)

    # when
    with pytest.raises(ApplicationError) as refused:
        services.registered_model_rollback(registered_model=v2.registered_model, user=staff)

    # then
    assert refused.value.message == "The previous champion toy v1 is archived and cannot be served."
    assert champion_number(v2) == 2


def test_rollback_without_a_champion_is_refused(toy, staff):
    # given
    failed = train(fail=True).version

    # when
    with pytest.raises(ApplicationError) as refused:
        services.registered_model_rollback(registered_model=failed.registered_model, user=staff)

    # then
    assert (refused.value.code, refused.value.message) == ("no_champion", "toy has no champion to roll back.")


def test_the_champion_cannot_be_archived(toy, staff):
    # given
    champion = train().version

    # when
    with pytest.raises(ApplicationError) as refused:
        services.model_version_archive(version=champion, user=staff)

    # then
    assert refused.value.message == "toy v1 is the champion; promote another version first."
    champion.refresh_from_db()
    assert champion.status == "ready"
