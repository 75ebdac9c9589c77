"""Questions about an order's money (charged twice, a hold, a refund) are answered from its real
payments and status, not with the generic card answer; a real double charge goes to staff with the order."""

from decimal import Decimal

import pytest

from orders.models import HOLD_NOTE, Order
from payments.models import Payment
from support.models import Ticket

pytestmark = pytest.mark.django_db


def test_charged_twice_with_one_payment_taken_says_so_from_the_order(customer_chat, make_order):
    chat, user = customer_chat
    order = make_order(user=user)

    reply = chat.say("I was charged twice for my order")

    assert reply["text"].startswith(f"For order {order.number} we took one payment of €{order.total} (card ending")
    assert "declined" not in reply["text"]
    assert [card["number"] for card in reply["cards"]] == [order.number]


def test_a_real_double_charge_is_handed_to_staff_with_the_order(customer_chat, make_order):
    chat, user = customer_chat
    order = make_order(user=user)
    Payment.objects.create(order=order, gateway="test", amount=order.total, status=Payment.Status.CAPTURED)

    reply = chat.say("you double charged me")

    assert reply["intent"] == "human_handoff"
    assert Ticket.objects.get().reason == f"Order {order.number}: 2 payments taken; check for a double charge"


def test_a_held_order_is_explained_as_a_reservation_being_checked(customer_chat, make_order):
    chat, user = customer_chat
    order = make_order(user=user, status=Order.Status.ON_HOLD, paid=False)
    Payment.objects.create(order=order, gateway="test", amount=order.total, status=Payment.Status.AUTHORIZED)

    reply = chat.say("why is my order on hold? money was taken")

    assert reply["text"].startswith(f"Order {order.number} is being checked. {HOLD_NOTE}")


def test_a_refund_question_gives_the_amount_refunded(customer_chat, make_order):
    chat, user = customer_chat
    order = make_order(user=user, status=Order.Status.REFUNDED)
    Order.objects.filter(pk=order.pk).update(refunded_total=order.total)

    reply = chat.say("where is my refund")

    assert f"have refunded €{order.total}" in reply["text"]


def test_a_declined_order_says_nothing_was_charged(customer_chat, make_order):
    chat, user = customer_chat
    order = make_order(user=user, status=Order.Status.CANCELLED, paid=False)
    Payment.objects.create(order=order, gateway="test", amount=Decimal("20.00"), status=Payment.Status.VOIDED)

    reply = chat.say("money was taken for my order")

    assert f"Order {order.number} was cancelled. Your card was not charged for it" in reply["text"]
