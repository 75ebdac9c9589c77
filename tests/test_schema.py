"""The OpenAPI schema is valid, warning-free and documents every endpoint; the docs work offline."""

import re

from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from shop.filters import ProductSearchForm

ERROR_REF = {"$ref": "#/components/schemas/Error"}
# 401 on every operation: any request may carry a wrong token (core.schema.StorefrontAutoSchema).
DOCUMENTED_RESPONSES = {
    ("/api/v1/categories/", "get"): {"200", "401", "429"},
    ("/api/v1/categories/{slug}/", "get"): {"200", "401", "404", "429"},
    ("/api/v1/products/", "get"): {"200", "400", "401", "404", "429"},
    ("/api/v1/products/{slug}/", "get"): {"200", "401", "404", "429"},
    ("/api/v1/products/{slug}/reviews/", "get"): {"200", "400", "401", "404", "429"},
    ("/api/v1/search/autocomplete/", "get"): {"200", "400", "401", "429"},
}


def generated_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict) -> dict:
    return {(path, method): op for path, item in schema["paths"].items() for method, op in item.items()}


def test_spectacular_command_validates_the_schema_without_any_warning(tmp_path):
    # when: --fail-on-warn makes the command raise on any warning or error of the generator
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    # then
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.0.3\n")


def test_schema_is_valid_openapi_3_with_every_endpoint_and_its_error_responses():
    # when
    schema = generated_schema()

    # then
    validate_schema(schema)
    found = operations(schema)
    assert {key: set(found[key]["responses"]) for key in DOCUMENTED_RESPONSES} == DOCUMENTED_RESPONSES
    for key, statuses in DOCUMENTED_RESPONSES.items():
        responses = found[key]["responses"]
        assert responses["200"]["content"]["application/json"]["examples"], key
        for status in statuses - {"200"}:
            content = responses[status]["content"]["application/json"]
            assert content["schema"] == ERROR_REF, (key, status)
            assert content["examples"], (key, status)


def test_error_shape_is_one_schema_component():
    # when
    components = generated_schema()["components"]["schemas"]

    # then
    assert components["Error"] == {
        "type": "object",
        "description": "The body of every error response.",
        "properties": {"error": {"$ref": "#/components/schemas/ErrorBody"}},
        "required": ["error"],
    }
    assert sorted(components["ErrorBody"]["required"]) == ["code", "details", "message"]


def test_product_list_documents_every_query_parameter_that_it_accepts():
    # when
    product_list = operations(generated_schema())[("/api/v1/products/", "get")]

    # then
    documented = {p["name"] for p in product_list["parameters"] if p["in"] == "query"}
    assert documented == {*ProductSearchForm.base_fields, "page", "page_size"}


def test_schema_endpoint_serves_a_valid_document(client):
    # when
    response = client.get("/api/schema/", {"format": "json"})

    # then
    assert response.status_code == 200
    validate_schema(response.json())
    assert set(operations(response.json())) >= set(DOCUMENTED_RESPONSES)


def test_docs_page_loads_only_our_own_static_assets(client):
    # when
    response = client.get("/api/docs/")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    static_assets = [asset for asset in assets if asset != "/api/docs/?script="]
    assert len(static_assets) == 4
    assert all(asset.startswith("/static/drf_spectacular_sidecar/swagger-ui-dist/") for asset in static_assets)
    assert all(finders.find(asset.removeprefix("/static/")) for asset in static_assets)
    assert "://" not in html
    assert "<script>" not in html  # the page's own script is a file (/api/docs/?script=), allowed by the CSP
    script = client.get("/api/docs/", {"script": ""}).content.decode()
    assert '"validatorUrl": null' in script


def test_every_request_body_is_json_only():
    # given: generated clients send a body in each content type the schema offers; the API parses JSON only
    bodies = {key: op["requestBody"] for key, op in operations(generated_schema()).items() if "requestBody" in op}

    # then
    assert bodies, "the schema documents request bodies"
    assert {key: sorted(body["content"]) for key, body in bodies.items()} == {
        key: ["application/json"] for key in bodies
    }
