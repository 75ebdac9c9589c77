"""The back office: registry pages, live progress bars, Retrain now, promote and roll back."""

import pytest
from django.urls import reverse

from ml.models import ModelVersion, RegisteredModel, TrainingRun
from ml.selectors import champion_version
from ml.services import training_run_create
from tests.ml.toy import train

pytestmark = pytest.mark.django_db


def test_staff_see_registered_models_runs_and_versions(toy, admin_client):
    # given
    train(accuracy=0.7)
    run = train(fail=True)

    # when
    pages = {
        name: admin_client.get(reverse(f"admin:ml_{name}_changelist"))
        for name in ("registeredmodel", "trainingrun", "modelversion")
    }
    run_page = admin_client.get(reverse("admin:ml_trainingrun_change", args=[run.pk]))
    version_page = admin_client.get(reverse("admin:ml_modelversion_change", args=[run.version.pk]))

    # then
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    assert list(pages["modelversion"].context["cl"].result_list.values_list("number", "status", "is_champion")) == [
        (2, "failed", False),
        (1, "ready", True),
    ]
    assert "accuracy 0.7000" in pages["modelversion"].content.decode()
    assert '<option value="retrain_now">Retrain now</option>' in pages["registeredmodel"].content.decode()
    assert '<option value="promote">Promote to champion</option>' in pages["modelversion"].content.decode()
    body = run_page.content.decode()
    assert f'data-run-url="/api/v1/ml/runs/{run.pk}/"' in body
    assert "FloatingPointError: invalid value encountered in sqrt" in body
    assert 'src="/static/ml/run_progress.js"' in body
    assert "<script>" not in body.split("</head>")[1]  # no inline script: the polling is static JS
    assert version_page.status_code == 200


def test_unfinished_runs_render_a_live_progress_bar(toy, admin_client):
    # given
    run = training_run_create(kind="toy", trigger="admin")
    TrainingRun.objects.filter(pk=run.pk).update(status="running", stage="fit", percent=45)

    # when
    response = admin_client.get(reverse("admin:ml_trainingrun_changelist"))

    # then
    assert (
        f'<progress class="ml-run-progress" max="100" value="45" data-run-url="/api/v1/ml/runs/{run.pk}/"'
        ' data-status="running"></progress> <span class="ml-run-label">45% · Running · fit</span>'
    ) in response.content.decode()


def test_retrain_now_queues_a_run_per_selected_model(toy, admin_client, admin_user):
    # given
    train()
    toy_model = RegisteredModel.objects.get(name="toy")

    # when
    response = admin_client.post(
        reverse("admin:ml_registeredmodel_changelist"),
        {"action": "retrain_now", "_selected_action": [toy_model.pk]},
        follow=True,
    )

    # then
    run = TrainingRun.objects.filter(status="queued").get()
    assert (run.registered_model, run.trigger, run.requested_by) == (toy_model, "admin", admin_user)
    assert len(run.task_id) == 36
    assert f'Queued <a href="/admin/ml/trainingrun/{run.pk}/change/">run #{run.pk}</a> of toy.' in (
        response.content.decode()
    )


def test_retrain_now_queues_the_quickest_kinds_first(toy, admin_client):
    # given: sentiment's fine-tuning takes half an hour, the toy model a moment
    selected = [RegisteredModel.objects.get_or_create(name=name)[0].pk for name in ("sentiment", "toy")]

    # when
    admin_client.post(
        reverse("admin:ml_registeredmodel_changelist"), {"action": "retrain_now", "_selected_action": selected}
    )

    # then
    queued = TrainingRun.objects.order_by("pk").values_list("registered_model__name", flat=True)
    assert list(queued) == ["toy", "sentiment"]


def test_promote_and_roll_back_from_the_admin(toy, admin_client):
    # given: v2 rejected by the quality gate
    train(accuracy=0.9)
    rejected = train(accuracy=0.5).version
    toy_model = rejected.registered_model

    # when
    promoted = admin_client.post(
        reverse("admin:ml_modelversion_changelist"),
        {"action": "promote", "_selected_action": [rejected.pk]},
        follow=True,
    )
    champion_after_promote = champion_version(registered_model=toy_model).number
    rolled_back = admin_client.post(
        reverse("admin:ml_registeredmodel_changelist"),
        {"action": "roll_back_champion", "_selected_action": [toy_model.pk]},
        follow=True,
    )

    # then
    assert champion_after_promote == 2
    assert "Toy v2 is now the champion." in promoted.content.decode()
    assert champion_version(registered_model=toy_model).number == 1
    assert "Toy v1 is the champion of toy again." in rolled_back.content.decode()


def test_a_refused_promotion_is_shown_as_an_error(toy, admin_client):
    # given
    failed = train(fail=True).version

    # when
    response = admin_client.post(
        reverse("admin:ml_modelversion_changelist"),
        {"action": "promote", "_selected_action": [failed.pk]},
        follow=True,
    )

    # then
    assert "Only ready versions can be promoted; toy v1 is failed." in response.content.decode()
    assert champion_version(registered_model=failed.registered_model) is None


def test_a_version_that_web_processes_cannot_load_is_flagged(toy, admin_client):
    # given
    version = train().version
    ModelVersion.objects.filter(pk=version.pk).update(load_error="ArtifactError: Artifact folder is missing.")

    # when
    response = admin_client.get(reverse("admin:ml_modelversion_changelist"))

    # then
    assert "⚠ ArtifactError: Artifact folder is missing." in response.content.decode()
