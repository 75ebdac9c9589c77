"""API fuzzing: schemathesis generates requests from our own OpenAPI schema for every operation and
checks every response: never a server error, only documented status codes and content types, and
bodies that match the documented schema. Once as an anonymous client, once as a signed-in customer.

CI runs a bounded number of examples per operation (API_FUZZ_EXAMPLES, default 10); bench/api_fuzz.sh
runs a longer campaign.
"""

import os
from collections.abc import Callable

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import UserFactory

User = get_user_model()
FUZZ_CUSTOMER = "fuzz.customer@example.com"

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)


@pytest.fixture
def api_schema(db):
    """The schema, served by the WSGI app in this process (in the test's database transaction)."""
    from config.wsgi import application

    # As Django's test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def signed_in_customer() -> dict[str, str]:
    """Headers of a signed-in customer, made again whenever an example signed out or deleted the account."""
    user = User.objects.filter(username=FUZZ_CUSTOMER, is_active=True).first() or UserFactory(
        username=FUZZ_CUSTOMER, email=FUZZ_CUSTOMER
    )
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def fuzz(schema, headers: Callable[[], dict[str, str]]) -> tuple[int, int, dict[str, str]]:
    """Run every operation's examples: (operations, requests sent, failures by operation label).

    One plain test drives Hypothesis itself instead of schemathesis' pytest plugin, which does not
    work with pytest 9 (and is disabled in pyproject.toml); it also reports every failing operation
    at once instead of stopping at the first.
    """
    failures, operations, requests = {}, 0, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @FUZZ_SETTINGS
        def run(case):
            nonlocal requests
            requests += 1
            case.call_and_validate(headers=headers(), checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # a failed check or a crash: recorded, next operation
            failures[operation.label] = str(error)[:2000]
    print(f"API fuzzing: {operations} operations, {requests} requests, {len(failures)} failing operations")
    return operations, requests, failures


def documented_operations(schema) -> int:
    methods = {"get", "put", "post", "patch", "delete"}
    return sum(len(methods & set(item)) for item in schema.raw_schema["paths"].values())


def test_anonymous_client_gets_only_documented_responses(api_schema):
    operations, requests, failures = fuzz(api_schema, headers=dict)

    assert failures == {}, "\n\n".join(f"{label}\n{error}" for label, error in failures.items())
    assert operations == documented_operations(api_schema)
    assert requests >= operations


def test_customer_gets_only_documented_responses(api_schema):
    operations, requests, failures = fuzz(api_schema, headers=signed_in_customer)

    assert failures == {}, "\n\n".join(f"{label}\n{error}" for label, error in failures.items())
    assert operations == documented_operations(api_schema)
    assert requests >= operations
