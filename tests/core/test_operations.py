"""Operations endpoints and headers: health, readiness, metrics, request ids and the security policy."""

import json
import logging
import uuid

import pytest
from django.test import override_settings

from core import health
from orders.models import Order
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_touching_dependencies(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_reports_each_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
    }


def test_readiness_is_503_when_a_dependency_fails(client, monkeypatch):
    def database_down():
        raise ConnectionError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", database_down)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {
        "status": "error",
        "error": "ConnectionError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["cache"]["status"] == "ok"


def test_metrics_report_requests_orders_queues_and_champions(client):
    OrderFactory(status=Order.Status.PAID)
    OrderFactory(status=Order.Status.PAID)
    client.get("/healthz")

    response = client.get("/metrics")

    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert 'storefront_orders{status="paid"} 2.0' in text
    assert 'storefront_task_queue_depth{queue="gpu"}' in text
    assert "storefront_model_champion_version" in text


@override_settings(METRICS_ALLOWED_NETWORKS=["10.0.0.0/8"])
def test_metrics_are_hidden_from_clients_outside_the_allowed_networks(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 404


def test_every_response_carries_a_request_id_and_reuses_a_valid_incoming_one(client):
    incoming = uuid.uuid4().hex

    fresh = client.get("/healthz")
    propagated = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")

    assert len(fresh["X-Request-ID"]) == 32
    assert propagated["X-Request-ID"] == incoming
    assert forged["X-Request-ID"] != "<script>alert(1)</script>"


def test_log_lines_carry_the_request_id_in_json(client, caplog, monkeypatch):
    from django_guid.log_filters import CorrelationId
    from pythonjsonlogger.json import JsonFormatter

    def cache_down():
        raise RuntimeError("cache down")

    monkeypatch.setitem(health.CHECKS, "cache", cache_down)
    incoming = uuid.uuid4().hex
    caplog.handler.addFilter(CorrelationId(correlation_id_field="request_id"))

    with caplog.at_level(logging.WARNING, logger="core.health"):
        client.get("/readyz", HTTP_X_REQUEST_ID=incoming)

    record = next(r for r in caplog.records if r.name == "core.health")
    line = json.loads(JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s").format(record))
    assert line["request_id"] == incoming
    assert line["message"] == "Readiness check cache failed: cache down"


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/healthz")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
