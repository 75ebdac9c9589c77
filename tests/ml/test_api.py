"""The staff ML API under /api/v1/ml/: permissions, runs with progress, versions, releases."""

import pytest
from rest_framework.test import APIClient

from ml.kinds import kind_names
from ml.models import TrainingRun
from ml.selectors import champion_version
from ml.services import training_run_create
from tests.factories import UserFactory
from tests.ml.toy import train

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff_api(api):
    api.force_authenticate(UserFactory(username="staffer", is_staff=True))
    return api


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/ml/runs/"),
        ("post", "/api/v1/ml/runs/"),
        ("get", "/api/v1/ml/versions/"),
        ("get", "/api/v1/ml/models/"),
        ("post", "/api/v1/ml/models/popularity/rollback/"),
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_only_staff_may_use_the_ml_api(api, method, path, who):
    # given
    if who == "customer":
        api.force_authenticate(UserFactory())

    # when
    response = getattr(api, method)(path, {"kind": "popularity"}, format="json")

    # then
    assert (response.status_code, response.json()["error"]["code"]) == {
        "anonymous": (401, "not_authenticated"),
        "customer": (403, "permission_denied"),
    }[who]
    assert not TrainingRun.objects.exists()


def test_staff_start_a_run_and_get_202_with_the_run(toy, staff_api):
    # when
    response = staff_api.post("/api/v1/ml/runs/", {"kind": "toy", "params": {"accuracy": 0.6}}, format="json")

    # then
    assert response.status_code == 202
    run = TrainingRun.objects.get()
    body = response.json()
    assert (body["id"], body["kind"], body["status"], body["percent"], body["version"]) == (
        run.pk,
        "toy",
        "queued",
        0,
        None,
    )
    assert (body["trigger"], body["requested_by"], body["params"]) == ("api", "staffer", {"accuracy": 0.6})
    assert body["task_id"] == run.task_id


@pytest.mark.parametrize(
    ("payload", "details"),
    [
        ({"kind": "nope"}, {"kind": ["Unknown kind. Choose one of: {kinds}."]}),
        ({}, {"kind": ["This field is required."]}),
        (
            {"kind": "toy", "params": {"epochs": 3}},
            {"params": ["Allowed: accuracy, fail, sleep_seconds, transient_failures."]},
        ),
    ],
)
def test_a_bad_start_request_is_a_400_without_a_run(toy, staff_api, payload, details):
    # when
    response = staff_api.post("/api/v1/ml/runs/", payload, format="json")

    # then
    known = ", ".join(kind_names())
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        field: [message.replace("{kinds}", known) for message in messages] for field, messages in details.items()
    }
    assert not TrainingRun.objects.exists()


def test_the_run_detail_reports_progress(toy, staff_api):
    # given
    run = training_run_create(kind="toy", trigger="api")
    TrainingRun.objects.filter(pk=run.pk).update(
        status="running", stage="fit", percent=37, stage_seconds={"extract": 0.5}, log="00:00:01 Stage fit started\n"
    )

    # when
    response = staff_api.get(f"/api/v1/ml/runs/{run.pk}/")

    # then
    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["stage"], body["percent"], body["stage_seconds"]) == (
        "running",
        "fit",
        37,
        {"extract": 0.5},
    )
    assert body["log"] == "00:00:01 Stage fit started\n"


def test_staff_list_runs_and_versions_filtered_by_status(toy, staff_api):
    # given
    ok = train(accuracy=0.7)
    failed = train(fail=True)

    # when
    runs = staff_api.get("/api/v1/ml/runs/", {"status": "failed"}).json()
    versions = staff_api.get("/api/v1/ml/versions/", {"kind": "toy"}).json()
    bad_filter = staff_api.get("/api/v1/ml/versions/", {"status": "deployed"})

    # then
    assert [run["id"] for run in runs["results"]] == [failed.pk]
    assert runs["results"][0]["version"] == {"id": failed.version.pk, "number": 2, "status": "failed"}
    assert [(v["number"], v["status"], v["is_champion"]) for v in versions["results"]] == [
        (2, "failed", False),
        (1, "ready", True),
    ]
    assert versions["results"][1]["metrics"] == {"accuracy": 0.7, "holdout_rows": 2.0}
    assert versions["results"][1]["artifact_sha256"] == ok.version.artifact_sha256
    assert bad_filter.status_code == 400
    assert bad_filter.json()["error"]["details"] == {"status": ["Choose one of: training, ready, failed, archived."]}


def test_staff_promote_and_roll_back_through_the_api(toy, staff_api):
    # given
    train(accuracy=0.9)
    rejected = train(accuracy=0.5).version

    # when
    promoted = staff_api.post(f"/api/v1/ml/versions/{rejected.pk}/promote/", {"reason": "A/B test won"}, format="json")
    again = staff_api.post(f"/api/v1/ml/versions/{rejected.pk}/promote/", {}, format="json")
    model = staff_api.get("/api/v1/ml/models/toy/").json()
    rolled_back = staff_api.post("/api/v1/ml/models/toy/rollback/")

    # then
    assert (promoted.status_code, promoted.json()["number"], promoted.json()["is_champion"]) == (200, 2, True)
    assert again.status_code == 400
    assert again.json()["error"] == {
        "code": "already_champion",
        "message": "toy v2 is already the champion.",
        "details": {},
    }
    assert (model["champion_number"], model["champion_id"]) == (2, rejected.pk)
    assert (rolled_back.status_code, rolled_back.json()["number"], rolled_back.json()["is_champion"]) == (200, 1, True)
    assert champion_version(registered_model=rejected.registered_model).number == 1


def test_unknown_objects_are_404(staff_api):
    assert staff_api.get("/api/v1/ml/runs/999999/").status_code == 404
    assert staff_api.post("/api/v1/ml/versions/999999/promote/", {}, format="json").status_code == 404
    assert staff_api.post("/api/v1/ml/models/nope/rollback/").status_code == 404
