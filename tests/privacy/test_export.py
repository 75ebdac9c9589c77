"""Right of access: a customer downloads all their data (API and account page), for a limited
time, and only they (or staff allowed to, audited) can fetch it."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from privacy.models import AccessLog, ExportJob
from privacy.services import retention_apply
from tests.factories import UserFactory
from tests.privacy.conftest import EMAIL, PHONE

pytestmark = pytest.mark.django_db

AREAS = {
    "profile", "addresses", "orders", "reviews", "wishlist", "review_votes", "cart", "chats_and_tickets",
    "return_requests", "consents", "recommendation_history", "events", "fraud_checks",
}  # fmt: skip


def _zip(response) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name.removesuffix(".json"): json.loads(archive.read(name)) for name in archive.namelist()}


def test_the_api_queues_an_export_and_its_owner_downloads_a_zip_of_every_area(jane, worker):
    api = APIClient()
    api.force_authenticate(jane)

    with worker(execute=True):  # the build task is sent after commit
        created = api.post("/api/v1/privacy/exports/")

    assert created.status_code == 202
    assert created.json()["status"] == "pending"
    job = api.get(f"/api/v1/privacy/exports/{created.json()['id']}/").json()
    assert job["status"] == "ready"  # the worker ran (eager in tests)
    files = _zip(api.get(job["download_url"]))
    assert set(files) == AREAS
    assert files["profile"]["email"] == EMAIL
    assert files["addresses"][0]["phone"] == PHONE
    assert [order["email"] for order in files["orders"]] == [EMAIL]
    assert files["chats_and_tickets"][0]["tickets"][0]["email"] == EMAIL
    assert {event["kind"] for event in files["events"]} == {"view", "search"}
    assert AccessLog.objects.get().action == "export"


def test_nobody_else_sees_or_downloads_the_export(jane, worker):
    owner = APIClient()
    owner.force_authenticate(jane)
    with worker(execute=True):
        body = owner.post("/api/v1/privacy/exports/").json()
    body = owner.get(f"/api/v1/privacy/exports/{body['id']}/").json()
    other = APIClient()
    other.force_authenticate(UserFactory())

    assert other.get(f"/api/v1/privacy/exports/{body['id']}/").status_code == 404
    assert other.get(body["download_url"]).status_code == 404
    assert APIClient().get(body["download_url"]).status_code == 401


def test_an_expired_export_is_gone_and_the_nightly_run_deletes_its_file(jane, export_root, worker):
    api = APIClient()
    api.force_authenticate(jane)
    with worker(execute=True):
        job_id = api.post("/api/v1/privacy/exports/").json()["id"]
    url = api.get(f"/api/v1/privacy/exports/{job_id}/").json()["download_url"]
    ExportJob.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = api.get(url)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "export_unavailable"
    assert retention_apply()["privacy.exports_expired"] == 1
    assert list(export_root.iterdir()) == []


def test_the_account_page_prepares_and_offers_the_download(client, jane, worker):
    client.force_login(jane)

    with worker(execute=True):
        client.post("/account/privacy/exports/")
    page = client.get("/account/privacy/")

    job = ExportJob.objects.get()
    assert f"/account/privacy/exports/{job.public_id}/" in page.content.decode()
    response = client.get(f"/account/privacy/exports/{job.public_id}/")
    assert response["Content-Type"] == "application/zip"
    assert _zip(response)["profile"]["email"] == EMAIL


def test_staff_export_a_customer_who_asked_by_email_and_the_download_is_audited(client, jane, worker):
    manager = UserFactory(username="manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Store manager"))
    client.force_login(manager)

    with worker(execute=True):
        client.post("/admin/auth/user/", {"action": "export_data", "_selected_action": [jane.pk]})
    job = ExportJob.objects.get()
    response = client.get(f"/account/privacy/exports/{job.public_id}/")

    assert (job.user, job.requested_by, job.status) == (jane, manager, "ready")
    assert response.status_code == 200
    assert list(AccessLog.objects.order_by("at", "id").values_list("action", "actor", "subject_id")) == [
        ("export", manager.pk, jane.pk),
        ("download", manager.pk, jane.pk),
    ]


def test_a_support_agent_may_not_export_a_customer(client, jane):
    agent = UserFactory(username="agent", is_staff=True)
    agent.groups.add(Group.objects.get(name="Support agent"))
    client.force_login(agent)

    client.post("/admin/auth/user/", {"action": "export_data", "_selected_action": [jane.pk]})

    assert not ExportJob.objects.exists()


def test_asking_again_while_an_export_is_being_built_returns_the_same_job(jane):
    api = APIClient()
    api.force_authenticate(jane)

    first = api.post("/api/v1/privacy/exports/").json()  # its task waits for the commit
    second = api.post("/api/v1/privacy/exports/").json()

    assert first["id"] == second["id"]
    assert ExportJob.objects.count() == 1
