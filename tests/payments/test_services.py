"""Recording authorisations, captures, voids and refunds; refunds never exceed what was captured."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import ApplicationError
from payments.gateways import CardDetails, PaymentDeclined
from payments.models import Payment, Refund
from payments.services import payment_authorize, payment_capture, payment_refund, payment_void
from tests.factories import OrderFactory, PaymentFactory, UserFactory

pytestmark = pytest.mark.django_db


def card(number: str = "4242424242424242") -> CardDetails:
    return CardDetails.parse(number=number, expiry="12/30", cvc="123", today=date(2026, 6, 15))


def test_authorise_then_capture_records_the_payment_with_brand_and_last4_only():
    order = OrderFactory(total=Decimal("54.90"))

    payment = payment_authorize(order=order, card=card(), amount=Decimal("54.90"), currency="EUR")
    assert payment.status == Payment.Status.AUTHORIZED
    payment_capture(payment=payment)

    stored = Payment.objects.get()
    assert (stored.order, stored.gateway, stored.status, stored.amount) == (order, "test", "captured", Decimal("54.90"))
    assert (stored.card_brand, stored.card_last4) == ("visa", "4242")
    assert stored.reference.startswith("test_ch_")
    assert "4242424242424242" not in str([getattr(stored, f.attname) for f in Payment._meta.fields])


def test_a_declined_authorisation_writes_nothing():
    with pytest.raises(PaymentDeclined):
        payment_authorize(order=OrderFactory(), card=card("4000000000000002"), amount=Decimal("5.00"), currency="EUR")

    assert Payment.objects.count() == 0


def test_void_releases_an_authorisation_and_only_an_authorisation():
    payment = payment_authorize(order=OrderFactory(), card=card(), amount=Decimal("5.00"), currency="EUR")

    payment_void(payment=payment)

    assert Payment.objects.get().status == Payment.Status.VOIDED
    with pytest.raises(ApplicationError) as raised:
        payment_capture(payment=payment)
    assert raised.value.code == "payment_not_authorized"


def test_partial_then_full_refund():
    staff = UserFactory(username="staff")
    payment = PaymentFactory(order=OrderFactory(total=Decimal("100.00")))

    first = payment_refund(payment=payment, amount=Decimal("30.00"), reason="Damaged mug", created_by=staff)
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("30.00"))
    second = payment_refund(payment=payment, amount=Decimal("70.00"))

    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("100.00"))
    assert (first.amount, first.reason, first.created_by, first.reference[:8]) == (
        Decimal("30.00"),
        "Damaged mug",
        staff,
        "test_re_",
    )
    assert second.amount == Decimal("70.00")


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (Decimal("100.01"), "refund_exceeds_captured"),
        (Decimal("0"), "invalid_amount"),
        (Decimal("-5"), "invalid_amount"),
        (Decimal("1.001"), "invalid_amount"),
        (Decimal("NaN"), "invalid_amount"),
        ("10", "invalid_amount"),
    ],
)
def test_bad_refunds_are_refused_and_write_nothing(amount, code):
    payment = PaymentFactory(order=OrderFactory(total=Decimal("100.00")))

    with pytest.raises(ApplicationError) as raised:
        payment_refund(payment=payment, amount=amount)

    assert raised.value.code == code
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount, Refund.objects.count()) == ("captured", Decimal("0.00"), 0)


def test_over_refund_after_a_partial_refund_is_refused_with_what_is_left():
    payment = PaymentFactory(order=OrderFactory(total=Decimal("100.00")))
    payment_refund(payment=payment, amount=Decimal("60.00"))

    with pytest.raises(ApplicationError) as raised:
        payment_refund(payment=payment, amount=Decimal("40.01"))

    assert raised.value.message == "At most 40.00 EUR of this payment can still be refunded."
    assert raised.value.details["refundable"] == "40.00"
    assert Refund.objects.count() == 1


def test_an_uncaptured_payment_cannot_be_refunded():
    payment = PaymentFactory(status=Payment.Status.AUTHORIZED)

    with pytest.raises(ApplicationError) as raised:
        payment_refund(payment=payment, amount=Decimal("1.00"))

    assert raised.value.code == "payment_not_captured"


@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_never_exceed_the_captured_amount():
    # given: 100.00 captured and 6 staff members refunding 30.00 each at the same moment
    payment = PaymentFactory(order=OrderFactory(total=Decimal("100.00")))
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def refund() -> None:
        try:
            barrier.wait()
            payment_refund(payment=Payment.objects.get(pk=payment.pk), amount=Decimal("30.00"))
            outcomes.append("refunded")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=refund) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: three fit into 100.00, the other three are refused
    payment.refresh_from_db()
    assert sorted(outcomes) == ["refund_exceeds_captured"] * 3 + ["refunded"] * 3
    assert payment.refunded_amount == Decimal("90.00")
    assert Refund.objects.count() == 3
