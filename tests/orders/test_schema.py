"""Every orders endpoint is in the OpenAPI schema with examples and its documented error responses."""

from drf_spectacular.generators import SchemaGenerator

ERROR_REF = {"$ref": "#/components/schemas/Error"}
DOCUMENTED_RESPONSES = {
    ("/api/v1/orders/", "get"): {"200", "400", "401", "404", "429"},
    ("/api/v1/orders/{number}/", "get"): {"200", "401", "404", "429"},
    ("/api/v1/orders/{number}/cancel/", "post"): {"200", "400", "401", "404", "409", "429"},
    ("/api/v1/staff/orders/", "get"): {"200", "400", "401", "403", "404", "429"},
    ("/api/v1/staff/orders/{number}/", "get"): {"200", "401", "403", "404", "429"},
    ("/api/v1/staff/orders/{number}/ship/", "post"): {"200", "400", "401", "403", "404", "409", "429"},
    ("/api/v1/staff/orders/{number}/deliver/", "post"): {"200", "401", "403", "404", "409", "429"},
    ("/api/v1/staff/orders/{number}/refund/", "post"): {"200", "400", "401", "403", "404", "409", "429"},
}


def test_orders_endpoints_document_examples_and_error_responses():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {(path, method): op for path, item in schema["paths"].items() for method, op in item.items()}

    assert {key: set(found[key]["responses"]) for key in DOCUMENTED_RESPONSES} == DOCUMENTED_RESPONSES
    for key, statuses in DOCUMENTED_RESPONSES.items():
        responses = found[key]["responses"]
        assert responses["200"]["content"]["application/json"]["examples"], key
        for status in statuses - {"200"}:
            content = responses[status]["content"]["application/json"]
            assert content["schema"] == ERROR_REF, (key, status)
            assert content["examples"], (key, status)
    for key in [("/api/v1/orders/{number}/cancel/", "post"), ("/api/v1/staff/orders/{number}/refund/", "post")]:
        assert found[key]["requestBody"]["content"]["application/json"]["examples"], key
    conflict = found[("/api/v1/staff/orders/{number}/ship/", "post")]["responses"]["409"]["content"]
    assert next(iter(conflict["application/json"]["examples"].values()))["value"]["error"]["code"] == (
        "invalid_transition"
    )
