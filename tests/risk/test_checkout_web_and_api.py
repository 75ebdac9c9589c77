"""The shopper's side of the fraud check, on the website and the API: the device cookie, a held order
said plainly (page, e-mail, API) with what happens next, a declined one without accusing anyone, and
API retries that return the same decision and charge once."""

import pytest
from django.core import mail

from checkout.views import DEVICE_COOKIE
from orders.models import DECLINED_NOTE, HOLD_NOTE, Order
from payments.models import Payment
from risk.models import RiskAssessment
from risk.selectors import signal_hash
from tests.checkout.test_api import checkout_body, customer_client
from tests.checkout.test_pages_checkout import form_data, open_checkout, token_of
from tests.factories import RiskRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold_everything():
    return RiskRuleFactory(kind="new_account_amount", action="review", amount="1.00", values="", list_field="")


def test_the_checkout_page_gives_the_browser_a_device_id_the_assessment_keeps_hashed(shopper, hold_everything):
    token = token_of(open_checkout(shopper))
    device = shopper.cookies[DEVICE_COOKIE].value
    assert shopper.cookies[DEVICE_COOKIE]["httponly"]

    shopper.post("/checkout/", form_data(token))

    assert RiskAssessment.objects.get().device_hash == signal_hash("device", device)


def test_a_held_order_says_it_is_being_checked_on_the_page_and_in_the_email(
    shopper, hold_everything, django_capture_on_commit_callbacks
):
    token = token_of(open_checkout(shopper))

    with django_capture_on_commit_callbacks(execute=True):
        response = shopper.post("/checkout/", form_data(token))

    order = Order.objects.get()
    assert order.status == "on_hold"
    html = shopper.get(response["Location"]).content.decode()
    assert f'<span data-testid="order-status-note">{HOLD_NOTE}</span>' in html
    assert "Paid by" not in html
    assert [message.subject for message in mail.outbox] == [f"We are checking your order {order.number}"]
    assert "reserved on your card but not charged" in mail.outbox[0].body


def test_a_declined_order_is_explained_without_accusing_anyone(shopper, mug):
    RiskRuleFactory(values="ana@example.com")
    token = token_of(open_checkout(shopper))

    response = shopper.post("/checkout/", form_data(token))

    html = shopper.get(response["Location"]).content.decode()
    assert "We could not complete your order" in html
    assert "Your card has not been charged" in html
    assert "fraud" not in html.lower()
    mug.refresh_from_db()
    assert mug.stock_quantity == 5


def test_the_api_holds_the_order_says_what_happens_next_and_replays_the_same_decision(mug, hold_everything):
    customer = customer_client()
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 2}, format="json")

    first = customer.post(
        "/api/v1/checkout/", checkout_body(), format="json", HTTP_IDEMPOTENCY_KEY="k1", HTTP_X_DEVICE_ID="phone-7"
    )
    again = customer.post(
        "/api/v1/checkout/", checkout_body(), format="json", HTTP_IDEMPOTENCY_KEY="k1", HTTP_X_DEVICE_ID="phone-7"
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert (first.json()["status"], first.json()["status_note"]) == ("on_hold", HOLD_NOTE)
    assert list(Payment.objects.values_list("status", flat=True)) == ["authorized"]
    assert RiskAssessment.objects.get().device_hash == signal_hash("device", "phone-7")


def test_the_api_reports_a_decline_as_a_cancelled_order_with_the_reason(mug):
    RiskRuleFactory(values="ana@example.com")
    customer = customer_client()
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json")

    response = customer.post("/api/v1/checkout/", checkout_body(), format="json", HTTP_IDEMPOTENCY_KEY="k2")

    body = response.json()
    assert (response.status_code, body["status"], body["status_note"]) == (201, "cancelled", DECLINED_NOTE)
    assert list(Payment.objects.values_list("status", flat=True)) == ["voided"]
