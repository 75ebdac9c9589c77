"""The built-in test gateway and card checks: approve, decline, network error, field errors."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import ApplicationError
from payments.gateways import CardDetails, PaymentDeclined, PaymentNetworkError, TestGateway, gateway_get

TODAY = date(2026, 6, 15)


def card(number: str = "4242 4242 4242 4242", expiry: str = "12/30", cvc: str = "123") -> CardDetails:
    return CardDetails.parse(number=number, expiry=expiry, cvc=cvc, today=TODAY)


def test_a_valid_card_keeps_only_what_may_be_stored_in_its_repr():
    # when
    parsed = card("4242-4242 4242 4242", "07/2027", "1234")

    # then
    assert (parsed.number, parsed.exp_month, parsed.exp_year, parsed.cvc) == ("4242424242424242", 7, 2027, "1234")
    assert (parsed.brand, parsed.last4) == ("visa", "4242")
    assert "4242424242424242" not in repr(parsed)
    assert "1234" not in repr(parsed)


@pytest.mark.parametrize(
    ("number", "brand"),
    [("5555 5555 5555 4444", "mastercard"), ("2223 0031 2200 3222", "mastercard"), ("3782 822463 10005", "amex")],
)
def test_brands_come_from_the_leading_digits(number, brand):
    assert card(number).brand == brand


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"number": "4242 4242 4242 4241"}, {"card_number": ["Enter a valid card number."]}),
        ({"number": "4242abcd"}, {"card_number": ["Enter a valid card number."]}),
        ({"number": ""}, {"card_number": ["Enter a valid card number."]}),
        ({"expiry": "05/26"}, {"card_expiry": ["This card has expired."]}),
        ({"expiry": "13/30"}, {"card_expiry": ["Enter the expiry date as MM/YY."]}),
        ({"expiry": "1230"}, {"card_expiry": ["Enter the expiry date as MM/YY."]}),
        ({"cvc": "12"}, {"card_cvc": ["Enter the 3 or 4 digit security code."]}),
        ({"cvc": "12345"}, {"card_cvc": ["Enter the 3 or 4 digit security code."]}),
        (
            {"number": "1", "expiry": "x", "cvc": "x"},
            {
                "card_number": ["Enter a valid card number."],
                "card_expiry": ["Enter the expiry date as MM/YY."],
                "card_cvc": ["Enter the 3 or 4 digit security code."],
            },
        ),
    ],
)
def test_bad_card_fields_are_field_errors(fields, errors):
    with pytest.raises(ApplicationError) as raised:
        card(**fields)

    assert raised.value.code == "card_invalid"
    assert raised.value.details == errors


def test_a_card_is_valid_through_its_expiry_month():
    assert card(expiry="06/26").exp_month == 6


def test_the_test_gateway_approves_captures_voids_and_refunds():
    gateway = TestGateway()

    authorization = gateway.authorize(amount=Decimal("10.00"), currency="EUR", card=card(), description="Order 1")
    capture = gateway.capture(reference=authorization.reference, amount=Decimal("10.00"), currency="EUR")
    refund = gateway.refund(reference=authorization.reference, amount=Decimal("4.00"), currency="EUR")

    assert authorization.reference.startswith("test_ch_")
    assert authorization.amount == Decimal("10.00")
    assert (capture.reference, capture.amount) == (authorization.reference, Decimal("10.00"))
    assert refund.reference.startswith("test_re_")
    assert refund.amount == Decimal("4.00")
    assert gateway.void(reference=authorization.reference).reference == authorization.reference


@pytest.mark.parametrize(
    ("number", "error", "message"),
    [
        ("4000 0000 0000 0002", PaymentDeclined, "Your card was declined."),
        ("4000 0000 0000 0119", PaymentNetworkError, "We could not reach the payment provider; you were not charged."),
    ],
)
def test_the_test_gateway_declines_and_fails_like_real_test_modes(number, error, message):
    with pytest.raises(error) as raised:
        TestGateway().authorize(amount=Decimal("10.00"), currency="EUR", card=card(number), description="Order 1")

    assert raised.value.message == message


def test_the_gateway_is_the_class_named_in_settings(settings):
    settings.PAYMENT_GATEWAY = "payments.gateways.TestGateway"

    assert isinstance(gateway_get(), TestGateway)
