"""A Python client generated from the live schema buys through the API with no hand edits.

openapi-python-client (pinned in requirements-dev.txt) reads `/api/schema/` from the test server and
writes a package; the tests import it and run the purchase flows a partner would write, taking
every id and code from earlier responses. A schema change that breaks generated clients (a body
that cannot be encoded, a missing id, a model that no longer parses) fails here.
"""

import importlib
import subprocess
import sys
from decimal import Decimal

import httpx
import pytest

from tests.checkout.conftest import ADDRESS, CARD
from tests.factories import ShippingMethodFactory, UserFactory

PACKAGE = "storefront_client"
# The generator's own settings, as README's "Build an API client" gives them: the data export is a
# zip, which the generator reads as a file once told that it is binary.
CONFIG = f"""package_name_override: {PACKAGE}
post_hooks: []
content_type_overrides:
  application/zip: application/octet-stream
"""
PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def client_package(live_server, tmp_path_factory):
    """The generated package, imported. No post hooks: the code must work exactly as generated."""
    folder = tmp_path_factory.mktemp("generated")
    config = folder / "config.yaml"
    config.write_text(CONFIG)
    generate = [sys.executable, "-m", "openapi_python_client", "generate", "--meta", "none"]
    generate += ["--url", f"{live_server.url}/api/schema/?format=json", "--config", str(config)]
    generate += ["--output-path", str(folder / PACKAGE)]
    run = subprocess.run(generate, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def api(client_package):
    """The generated operations and models by their module names: `api.op("cart", "cart_lines_create")`."""

    class Generated:
        @staticmethod
        def op(tag: str, name: str):
            return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")

        @staticmethod
        def model(name: str):
            return getattr(importlib.import_module(f"{PACKAGE}.models"), name)

    Generated.Client, Generated.AuthenticatedClient = client_package.Client, client_package.AuthenticatedClient
    return Generated


@pytest.fixture
def jacket(make_product):
    ShippingMethodFactory()
    return make_product(
        name="Rain Jacket",
        slug="rain-jacket",
        variants=[
            {"sku": "RAIN-M", "name": "M", "price": Decimal("75.00"), "stock_quantity": 5},
            {"sku": "RAIN-L", "name": "L", "price": Decimal("80.00"), "stock_quantity": 5},
        ],
    )


class Transcript(list):
    """(step, status code) of every call, compared whole at the end: the test's specification."""

    def call(self, step: str, operation, **kwargs):
        response = operation.sync_detailed(**kwargs)
        self.append((step, int(response.status_code)))
        return response.parsed


def checkout_body(api, *, email: str | None = None, method: str):
    address = {key: value for key, value in ADDRESS.items() if value}
    body = {"shipping_method": method, "payment": CARD, "shipping_address": address}
    return api.model("CheckoutRequest").from_dict(body | ({"email": email} if email else {}))


def csrf_client(api, live_server, transcript: Transcript):
    """A guest's client: the first read gets the CSRF cookie; the client then sends it back as a
    cookie and in the `X-CSRFToken` header, and keeps the session cookie its first write gets."""
    with api.Client(base_url=live_server.url) as first:
        transcript.call("cart", api.op("cart", "cart_retrieve"), client=first)
        token = first.get_httpx_client().cookies["csrftoken"]
    return api.Client(base_url=live_server.url, cookies={"csrftoken": token}, headers={"X-CSRFToken": token})


def find_variant(api, client, transcript: Transcript) -> int:
    """Search, then the first result's detail by its slug; the id of its size L."""
    found = transcript.call("search", api.op("products", "products_list"), client=client, q="rain jacket")
    slug = found.results[0].slug
    detail = transcript.call("product", api.op("products", "products_retrieve"), client=client, slug=slug)
    return next(variant.id for variant in detail.variants if variant.name == "L")


def test_a_customer_buys_and_cancels_through_the_generated_client(live_server, api, jacket):
    # given: a customer who registered on the website
    UserFactory(username="ana", email="ana@example.com", password=PASSWORD)
    transcript = Transcript()
    anonymous = api.Client(base_url=live_server.url)

    # when: sign in, find, add, pick shipping, buy, retry, read, cancel
    login = api.model("LoginRequest").from_dict({"username": "ana@example.com", "password": PASSWORD})
    token = transcript.call("login", api.op("auth", "auth_login_create"), client=anonymous, body=login).token
    with api.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token") as customer:
        variant = find_variant(api, customer, transcript)
        line = api.model("CartLineCreateRequest").from_dict({"variant": variant, "quantity": 2})
        cart = transcript.call("add to cart", api.op("cart", "cart_lines_create"), client=customer, body=line)
        methods = transcript.call("shipping", api.op("checkout", "checkout_shipping_methods_list"), client=customer)
        body = checkout_body(api, method=methods[0].code)
        buy = api.op("checkout", "checkout_create")
        order = transcript.call("checkout", buy, client=customer, body=body, idempotency_key="gen-1")
        retried = transcript.call("retry", buy, client=customer, body=body, idempotency_key="gen-1")
        read = transcript.call("order", api.op("orders", "orders_retrieve"), client=customer, number=order.number)
        reason = api.model("OrderCancelRequest").from_dict({"reason": "Changed my mind"})
        cancel = api.op("orders", "orders_cancel_create")
        cancelled = transcript.call("cancel", cancel, client=customer, number=order.number, body=reason)

    # then
    assert transcript == [
        ("login", 200),
        ("search", 200),
        ("product", 200),
        ("add to cart", 201),
        ("shipping", 200),
        ("checkout", 201),
        ("retry", 200),
        ("order", 200),
        ("cancel", 200),
    ]
    assert [(cart_line.sku, cart_line.quantity) for cart_line in cart.lines] == [("RAIN-L", 2)]
    assert retried.number == read.number == order.number
    assert (order.status, cancelled.status) == ("paid", "cancelled")
    assert [(order_line.sku, order_line.quantity) for order_line in read.lines] == [("RAIN-L", 2)]


def test_a_guest_registers_and_a_guest_checks_out_through_the_generated_client(live_server, api, jacket):
    # given
    transcript = Transcript()
    with csrf_client(api, live_server, transcript) as guest:
        # when
        variant = find_variant(api, guest, transcript)
        line = api.model("CartLineCreateRequest").from_dict({"variant": variant})
        transcript.call("add to cart", api.op("cart", "cart_lines_create"), client=guest, body=line)
        body = checkout_body(api, email="guest@example.com", method="standard")
        order = transcript.call("checkout", api.op("checkout", "checkout_create"), client=guest, body=body)

    with api.Client(base_url=live_server.url) as newcomer:
        register = api.model("RegisterRequest").from_dict({"email": "new@example.com", "password": PASSWORD})
        account = transcript.call("register", api.op("auth", "auth_register_create"), client=newcomer, body=register)

    # then
    assert transcript == [
        ("cart", 200),
        ("search", 200),
        ("product", 200),
        ("add to cart", 201),
        ("checkout", 201),
        ("register", 201),
    ]
    assert (order.email, order.status, [line.sku for line in order.lines]) == ("guest@example.com", "paid", ["RAIN-L"])
    assert account.token
    assert account.user.email == "new@example.com"


def test_the_generated_client_reads_errors_in_the_error_shape(live_server, api, jacket):
    # when: a line for a variant that does not exist
    with csrf_client(api, live_server, Transcript()) as guest:
        line = api.model("CartLineCreateRequest").from_dict({"variant": 2**40})
        response = api.op("cart", "cart_lines_create").sync_detailed(client=guest, body=line)

    # then: the parsed body is the schema's Error model, with the code a client branches on
    assert response.status_code == httpx.codes.NOT_FOUND
    assert response.parsed.error.code == "variant_not_found"
