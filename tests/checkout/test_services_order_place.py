"""Placing an order: exact totals, frozen prices, stock and cart, payment failures that change nothing,
price changes confirmed once, idempotent retries and the confirmation email after commit."""

from decimal import Decimal

import pytest
from django.core import mail

from checkout.models import CartLine, TaxConfiguration
from checkout.services import IdempotencyKeyReusedError, PaymentUnavailableError, order_place
from core.errors import ApplicationError
from events.models import Interaction
from events.services import interactions_flush
from orders.models import Order, OrderLine
from payments.models import Payment
from shop.models import Product, Variant
from tests.checkout.conftest import ADDRESS_SNAPSHOT, CARD, DECLINED_CARD, NETWORK_ERROR_CARD
from tests.factories import CartFactory, CartLineFactory, UserFactory

pytestmark = pytest.mark.django_db


def place(cart, method, *, card=CARD, **overrides) -> Order:
    fields = {
        "cart": cart,
        "email": "ana@example.com",
        "shipping_address": ADDRESS_SNAPSHOT,
        "billing_address": ADDRESS_SNAPSHOT,
        "shipping_method": method,
        "payment_details": card,
        **overrides,
    }
    return order_place(**fields)


@pytest.fixture
def cart(make_product):
    """12.50 x 2 + 9.99 x 1 = 34.99 of goods, with stock 5 and 3."""
    cart = CartFactory()
    mug = make_product(name="Blue Mug", price="12.50", stock=5).variants.get()
    tea = make_product(name="Green Tea", price="9.99", stock=3).variants.get()
    CartLineFactory(cart=cart, variant=mug, quantity=2)
    CartLineFactory(cart=cart, variant=tea, quantity=1)
    return cart


def stock() -> list[int]:
    return list(Variant.objects.order_by("pk").values_list("stock_quantity", flat=True))


def nothing_changed(cart, stock_before: list[int]) -> bool:
    return (
        Order.objects.count() == 0
        and OrderLine.objects.count() == 0
        and not Payment.objects.exclude(status=Payment.Status.FAILED).exists()
        and stock() == stock_before
        and cart.lines.count() == 2
    )


def test_happy_path_with_prices_including_tax(cart, standard, django_capture_on_commit_callbacks):
    # given: the default tax setting, 20 % included in prices; 34.99 is below the free-shipping 50.00
    user = UserFactory()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, standard, user=user, idempotency_key="form:abc")

    # then: totals are exact; tax per line, half up: 25.00 -> 4.17, 9.99 -> 1.67, shipping 4.95 -> 0.83
    order.refresh_from_db()
    assert order.number.startswith("SF-")
    assert (order.status, order.user, order.email, order.currency) == ("paid", user, "ana@example.com", "EUR")
    assert (order.subtotal, order.shipping, order.tax, order.total) == (
        Decimal("34.99"),
        Decimal("4.95"),
        Decimal("6.67"),
        Decimal("39.94"),
    )
    assert (order.tax_rate, order.prices_include_tax, order.shipping_method) == (
        Decimal("20.00"),
        True,
        "Standard delivery",
    )
    assert order.shipping_address == ADDRESS_SNAPSHOT
    assert order.idempotency_key == "form:abc"
    assert order.replayed is False
    lines = order.lines.order_by("product_name").values_list("product_name", "quantity", "unit_price", "line_total")
    assert list(lines) == [
        ("Blue Mug", 2, Decimal("12.50"), Decimal("25.00")),
        ("Green Tea", 1, Decimal("9.99"), Decimal("9.99")),
    ]
    payment = Payment.objects.get()
    assert (payment.order, payment.status, payment.amount, payment.card_brand, payment.card_last4) == (
        order,
        "captured",
        Decimal("39.94"),
        "visa",
        "4242",
    )
    assert list(order.status_changes.values_list("from_status", "to_status", "changed_by")) == [
        ("", "pending_payment", user.pk),
        ("pending_payment", "paid", user.pk),
    ]
    assert stock() == [3, 2]
    assert cart.lines.count() == 0
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana@example.com"], f"Your order {order.number} is confirmed")
    ]
    assert interactions_flush() == 2
    assert sorted(Interaction.objects.values_list("kind", "quantity", "price", "user")) == [
        ("purchase", 1, Decimal("9.99"), user.pk),
        ("purchase", 2, Decimal("12.50"), user.pk),
    ]


def test_prices_excluding_tax_add_it_on_top_and_shipping_is_free_over_the_threshold(
    make_product, standard, tax_excluded
):
    cart = CartFactory()
    CartLineFactory(cart=cart, variant=make_product(price="33.33", stock=5).variants.get(), quantity=2)

    order = place(cart, standard)

    # 66.66 of goods reaches 50.00: free shipping; tax 20 % of 66.66 = 13.332 -> 13.33
    assert (order.subtotal, order.shipping, order.tax, order.total) == (
        Decimal("66.66"),
        Decimal("0.00"),
        Decimal("13.33"),
        Decimal("79.99"),
    )
    assert order.prices_include_tax is False
    assert Payment.objects.get().amount == Decimal("79.99")


def test_a_method_without_threshold_always_charges(cart, express):
    TaxConfiguration.objects.update(rate=Decimal("0.00"))

    order = place(cart, express)

    assert (order.subtotal, order.shipping, order.tax, order.total) == (
        Decimal("34.99"),
        Decimal("9.95"),
        Decimal("0.00"),
        Decimal("44.94"),
    )


def test_lines_saved_for_later_stay_in_the_cart(cart, standard, make_product):
    saved = CartLineFactory(cart=cart, variant=make_product(price="99.00").variants.get(), saved_for_later=True)

    order = place(cart, standard)

    assert order.subtotal == Decimal("34.99")
    assert list(cart.lines.values_list("pk", flat=True)) == [saved.pk]


@pytest.mark.parametrize(
    ("card", "error_class", "code", "message"),
    [
        (DECLINED_CARD, ApplicationError, "payment_declined", "Your card was declined."),
        (
            NETWORK_ERROR_CARD,
            PaymentUnavailableError,
            "payment_network_error",
            "We could not reach the payment provider; you were not charged.",
        ),
    ],
)
def test_payment_failures_change_nothing_but_are_kept_for_support(cart, standard, card, error_class, code, message):
    before = stock()

    with pytest.raises(error_class) as raised:
        place(cart, standard, card=card, idempotency_key="form:x")

    assert (raised.value.code, raised.value.message) == (code, message)
    assert nothing_changed(cart, before)
    failed = Payment.objects.get()
    assert (failed.order, failed.status, failed.amount, failed.failure_code, failed.card_last4) == (
        None,
        "failed",
        Decimal("39.94"),
        code,
        card["card_number"][-4:],
    )
    assert interactions_flush() == 0
    assert mail.outbox == []


def test_a_retry_after_a_decline_can_pay_with_another_card(cart, standard):
    with pytest.raises(ApplicationError):
        place(cart, standard, card=DECLINED_CARD, idempotency_key="form:x")

    order = place(cart, standard, idempotency_key="form:x")

    assert order.status == "paid"


@pytest.mark.parametrize(
    ("overrides", "code", "details"),
    [
        ({"email": "not-an-email"}, "invalid_email", {"email": ["Enter a valid email address."]}),
        ({"email": "a" * 250 + "@x.io"}, "invalid_email", {"email": ["Enter a valid email address."]}),
        ({"shipping_address": {}}, "address_invalid", {"shipping_address": ["Enter the address."]}),
        ({"card": {**CARD, "card_number": "4242 4242 4242 4241"}}, "card_invalid", None),
        ({"card": {}}, "card_invalid", None),
    ],
)
def test_invalid_input_is_refused_before_anything_happens(cart, standard, overrides, code, details):
    before = stock()

    with pytest.raises(ApplicationError) as raised:
        place(cart, standard, **overrides)

    assert raised.value.code == code
    if details:
        assert raised.value.details == details
    assert nothing_changed(cart, before)
    assert Payment.objects.count() == 0


def test_an_empty_cart_cannot_be_bought(standard):
    with pytest.raises(ApplicationError) as raised:
        place(CartFactory(), standard)

    assert (raised.value.code, raised.value.message) == ("cart_empty", "Your cart is empty.")


def test_sold_out_and_short_stock_are_refused(cart, standard):
    mug, tea = Variant.objects.filter(cart_lines__cart=cart).order_by("pk")
    Variant.objects.filter(pk=tea.pk).update(stock_quantity=0)

    with pytest.raises(ApplicationError) as sold_out:
        place(cart, standard)
    Variant.objects.filter(pk=tea.pk).update(stock_quantity=3)
    Variant.objects.filter(pk=mug.pk).update(stock_quantity=1)
    with pytest.raises(ApplicationError) as short:
        place(cart, standard)

    assert (sold_out.value.code, sold_out.value.message) == ("sold_out", "Sorry, Green Tea just sold out.")
    assert (short.value.code, short.value.message) == (
        "insufficient_stock",
        "Sorry, only 1 of Blue Mug left; please lower the quantity.",
    )
    assert Order.objects.count() == 0


def test_a_withdrawn_product_blocks_checkout(cart, standard):
    Product.objects.filter(name="Green Tea").update(is_active=False)

    with pytest.raises(ApplicationError) as raised:
        place(cart, standard)

    assert raised.value.code == "unavailable"
    assert raised.value.message == "Sorry, Green Tea is no longer available; please remove it from your cart."


def test_a_changed_price_is_refused_once_then_confirmed(cart, standard):
    # given: the mug got dearer after it was added
    mug = Variant.objects.get(product__name="Blue Mug")
    Variant.objects.filter(pk=mug.pk).update(price=Decimal("13.00"))
    line = CartLine.objects.get(variant=mug)

    # when: the first attempt is refused and records the new price as seen
    with pytest.raises(ApplicationError) as raised:
        place(cart, standard)

    # then
    assert raised.value.code == "price_changed"
    assert raised.value.message == (
        "The price of some items changed since you added them: Blue Mug (was €12.50, now €13.00). "
        "Please review your order and place it again."
    )
    assert raised.value.details == {"lines": [{"line": line.pk, "old_price": "12.50", "new_price": "13.00"}]}
    assert CartLine.objects.get(pk=line.pk).price_when_added == Decimal("13.00")
    assert Order.objects.count() == 0
    assert Variant.objects.get(pk=mug.pk).stock_quantity == 5

    # when: placed again, the shopper has confirmed the new price
    order = place(cart, standard)
    assert order.subtotal == Decimal("35.99")


def test_an_inactive_shipping_method_is_refused(cart, standard):
    standard.is_active = False
    standard.save()

    with pytest.raises(ApplicationError) as raised:
        place(cart, standard)

    assert raised.value.details == {
        "shipping_method": ["This shipping method is no longer offered; please choose another."]
    }
    assert Order.objects.count() == 0


# --- Idempotency ----------------------------------------------------------------------------------------


def test_the_same_key_returns_the_same_order_and_charges_once(cart, standard):
    first = place(cart, standard, idempotency_key="api:user:1:k1")

    again = place(cart, standard, idempotency_key="api:user:1:k1")

    assert (again.pk, again.replayed) == (first.pk, True)
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "bob@example.com"},
        {"shipping_address": {**ADDRESS_SNAPSHOT, "line1": "2 High Street"}},
        {"card": {**CARD, "card_number": "5555 5555 5555 4444"}},
    ],
)
def test_the_same_key_for_a_different_order_is_refused(cart, standard, overrides):
    first = place(cart, standard, idempotency_key="api:user:1:k1")

    with pytest.raises(IdempotencyKeyReusedError) as raised:
        place(cart, standard, idempotency_key="api:user:1:k1", **overrides)

    assert (raised.value.code, raised.value.status_code) == ("idempotency_key_reused", 422)
    assert raised.value.details == {"order": first.number}
    assert Order.objects.count() == 1


def test_the_same_key_with_a_different_cart_is_refused(cart, standard, make_product):
    place(cart, standard, idempotency_key="api:user:1:k1")
    CartLineFactory(cart=cart, variant=make_product(price="5.00").variants.get())

    with pytest.raises(IdempotencyKeyReusedError):
        place(cart, standard, idempotency_key="api:user:1:k1")

    assert Order.objects.count() == 1
    assert cart.lines.count() == 1


# --- Confirmation email ---------------------------------------------------------------------------------


def test_confirmation_email_has_text_and_escaped_html(make_product, standard, django_capture_on_commit_callbacks):
    cart = CartFactory()
    CartLineFactory(cart=cart, variant=make_product(name="Mug <b>&</b> Co", price="10.00").variants.get())
    address = {**ADDRESS_SNAPSHOT, "full_name": "O'Brien <script>"}

    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, standard, shipping_address=address, billing_address=address)

    message = mail.outbox[0]
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "Hello O'Brien <script>," in message.body
    assert "1 x Mug <b>&</b> Co (Standard): €10.00" in message.body
    assert f"thank you for your order {order.number}" in message.body
    assert "Hello O&#x27;Brien &lt;script&gt;," in html
    assert "Mug &lt;b&gt;&amp;&lt;/b&gt; Co" in html
    assert "<script>" not in html


def test_the_email_is_only_sent_after_commit(cart, standard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        place(cart, standard)

    assert mail.outbox == []
    assert len(callbacks) == 3  # the cart count forgotten, the events recorded, the email sent
