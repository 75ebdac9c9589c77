"""Every account page renders without inline script or style (strict CSP), and every accounts
endpoint is in the OpenAPI schema with examples and its error responses."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts import services

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = ["/account/login/", "/account/register/", "/account/password-reset/", "/account/password-reset/sent/"]
CUSTOMER_PAGES = [
    "/account/",
    "/account/password/",
    "/account/delete/",
    "/account/addresses/",
    "/account/addresses/add/",
    "/account/addresses/{id}/edit/",
    "/account/addresses/{id}/delete/",
]
ERROR_REF = {"$ref": "#/components/schemas/Error"}
DOCUMENTED_RESPONSES = {
    ("/api/v1/auth/register/", "post"): {"201", "400", "429"},
    ("/api/v1/auth/login/", "post"): {"200", "400", "429"},
    ("/api/v1/auth/logout/", "post"): {"204", "401", "429"},
    ("/api/v1/auth/me/", "get"): {"200", "401", "429"},
    ("/api/v1/auth/me/", "patch"): {"200", "400", "401", "429"},
    ("/api/v1/addresses/", "get"): {"200", "400", "401", "404", "429"},
    ("/api/v1/addresses/", "post"): {"201", "400", "401", "429"},
    ("/api/v1/addresses/{id}/", "get"): {"200", "401", "404", "429"},
    ("/api/v1/addresses/{id}/", "put"): {"200", "400", "401", "404", "429"},
    ("/api/v1/addresses/{id}/", "patch"): {"200", "400", "401", "404", "429"},
    ("/api/v1/addresses/{id}/", "delete"): {"204", "401", "404", "429"},
}


def assert_no_inline_code(html: str) -> None:
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all(" src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert not re.search(r"\sstyle=|\son[a-z]+=", html)


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_visitor_pages_render_without_inline_code(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert_no_inline_code(response.content.decode())


@pytest.mark.parametrize("url", CUSTOMER_PAGES)
def test_customer_pages_render_without_inline_code(client, customer, url):
    address = services.address_create(
        user=customer, full_name="<b>Ana</b>", line1="1 Main St", city="Bath", postal_code="BA1 1AA", country="GB"
    )
    client.force_login(customer)

    response = client.get(url.format(id=address.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert_no_inline_code(html)
    assert "<b>Ana</b>" not in html


def test_the_lockout_page_renders_without_inline_code(client, customer):
    for _ in range(5):
        response = client.post("/account/login/", {"username": "ana@example.com", "password": "wrong-password"})

    assert response.status_code == 429
    assert_no_inline_code(response.content.decode())


def test_every_accounts_endpoint_documents_its_responses_with_examples():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    operations = {(path, method): op for path, item in schema["paths"].items() for method, op in item.items()}
    for key, statuses in DOCUMENTED_RESPONSES.items():
        responses = operations[key]["responses"]
        assert set(responses) == statuses, key
        for status, response in responses.items():
            if status in ("200", "201"):
                assert response["content"]["application/json"]["examples"], key
            elif status != "204":
                assert response["content"]["application/json"]["schema"] == ERROR_REF, (key, status)
                assert response["content"]["application/json"]["examples"], (key, status)
