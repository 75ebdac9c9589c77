"""A database restart during traffic: requests fail cleanly with 503, nothing is half-written, and the
site recovers by itself once the server is back. Stops and starts the test run's real PostgreSQL."""

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from orders.models import Order
from shop.models import Variant
from tests.checkout.conftest import ADDRESS, CARD
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def pg(*args: str) -> None:
    subprocess.run(["scripts/pg.sh", *args], cwd=ROOT, check=True, capture_output=True, timeout=90)


def request(url: str, *, method: str = "GET", body: dict | None = None, token: str = "") -> tuple[int, str, dict]:
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"} if token else {}
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method)) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture
def database_server():
    cluster = os.environ.get("TEST_PG_CLUSTER")
    if not cluster:
        pytest.fail("TEST_PG_CLUSTER is unset: run the suite with scripts/test.sh (make test).")
    port = str(connection.settings_dict["PORT"])
    yield lambda action: pg("stop", cluster) if action == "stop" else pg("start", cluster, port)
    pg("start", cluster, port)  # whatever happened, the rest of the suite needs its server


def test_requests_fail_cleanly_while_the_database_is_down_and_recover_after(
    live_server, make_product, database_server, standard, express
):
    variant = make_product(name="Blue Mug", slug="blue-mug", price="12.50", stock=5).variants.get()
    token = Token.objects.create(user=UserFactory()).key
    base = live_server.url
    assert (
        request(f"{base}/api/v1/cart/lines/", method="POST", body={"variant": variant.pk, "quantity": 2}, token=token)[
            0
        ]
        == 201
    )
    checkout = {"email": "ana@example.com", "shipping_address": ADDRESS, "shipping_method": "standard", "payment": CARD}

    database_server("stop")
    page_status, page_body, page_headers = request(f"{base}/p/blue-mug/")
    api_status, api_body, _ = request(f"{base}/api/v1/products/")
    order_status, _, _ = request(f"{base}/api/v1/checkout/", method="POST", body=checkout, token=token)
    ready_status, _, _ = request(f"{base}/readyz")
    live_status, _, _ = request(f"{base}/healthz")
    database_server("start")

    assert (page_status, page_headers["Retry-After"]) == (503, "30")
    assert "We are back in a moment" in page_body
    assert api_status == 503
    assert json.loads(api_body)["error"]["code"] == "service_unavailable"
    assert order_status == 503
    assert ready_status == 503
    assert live_status == 200

    deadline = time.monotonic() + 20
    while request(f"{base}/p/blue-mug/")[0] != 200:
        assert time.monotonic() < deadline, "the site did not recover within 20 s of the database restart"
        time.sleep(0.2)
    connection.close()  # this test's own connection died with the server
    assert Order.objects.count() == 0
    assert Variant.objects.get(pk=variant.pk).stock_quantity == 5

    placed_status, placed_body, _ = request(f"{base}/api/v1/checkout/", method="POST", body=checkout, token=token)
    assert placed_status == 201, placed_body
    assert Variant.objects.get(pk=variant.pk).stock_quantity == 3
