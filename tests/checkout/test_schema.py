"""The cart and checkout endpoints are in the OpenAPI schema with examples and their error responses."""

from drf_spectacular.generators import SchemaGenerator

ERROR_REF = {"$ref": "#/components/schemas/Error"}
DOCUMENTED = {
    ("/api/v1/cart/", "get"): {"200", "401", "429"},
    ("/api/v1/cart/lines/", "post"): {"201", "400", "401", "403", "404", "429"},
    ("/api/v1/cart/lines/{line_id}/", "patch"): {"200", "400", "401", "403", "404", "429"},
    ("/api/v1/cart/lines/{line_id}/", "delete"): {"200", "401", "403", "404", "429"},
    ("/api/v1/checkout/shipping-methods/", "get"): {"200", "401", "429"},
    ("/api/v1/checkout/", "post"): {"200", "201", "400", "401", "403", "404", "422", "429", "503"},
}


def test_every_cart_and_checkout_endpoint_documents_examples_and_errors():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    for (path, method), statuses in DOCUMENTED.items():
        operation = schema["paths"][path][method]
        assert set(operation["responses"]) == statuses, (path, method)
        for status in statuses:
            content = operation["responses"][status]["content"]["application/json"]
            if status.startswith("2"):
                assert content["examples"], (path, method, status)
            else:
                assert content["schema"] == ERROR_REF, (path, method, status)
                assert content["examples"], (path, method, status)
    checkout = schema["paths"]["/api/v1/checkout/"]["post"]
    assert [p["name"] for p in checkout["parameters"]] == ["Idempotency-Key", "X-Device-Id"]
    assert checkout["requestBody"]["content"]["application/json"]["examples"]
