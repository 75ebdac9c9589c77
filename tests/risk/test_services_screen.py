"""Screening orders at checkout: approve / review / decline from the rules when no model is trained
(recorded as rules only), hit counts, card testing, idempotent retries, and the staff's decisions."""

from decimal import Decimal

import pytest
from django.core import mail

from checkout import extensions
from core.errors import ApplicationError
from orders.models import Order, OrderEmail
from orders.services import order_cancel
from payments.gateways import PaymentNetworkError, TestGateway
from payments.models import Payment
from risk import services
from risk.models import FailedPaymentAttempt, RiskAssessment, RiskLabel
from risk.selectors import signal_hash
from tests.factories import RiskRuleFactory, UserFactory
from tests.risk.conftest import DECLINED_CARD

pytestmark = pytest.mark.django_db


def payment_statuses(order: Order) -> list[str]:
    return list(order.payments.values_list("status", flat=True))


def test_an_order_no_rule_matches_is_approved_by_the_rules_alone_and_captured(buy):
    order = buy()

    assessment = RiskAssessment.objects.get(order=order)
    assert order.status == Order.Status.PAID
    assert payment_statuses(order) == [Payment.Status.CAPTURED]
    assert (assessment.decision, assessment.score, assessment.rules_only) == ("approve", None, True)
    assert assessment.model_label == "rules only"
    assert assessment.device_hash == signal_hash("device", "device-1")  # hashed, never the raw id
    assert assessment.signals["previous_orders"] == 0.0


def test_a_deny_listed_email_is_declined_voided_and_its_stock_returned(buy):
    rule = RiskRuleFactory(values="fraud@example.com\nother@example.com")

    order = buy(email="Fraud@Example.com", quantity=3)

    order.refresh_from_db()
    buy.variant.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert payment_statuses(order) == [Payment.Status.VOIDED]
    assert buy.variant.stock_quantity == 50
    assert "unable to confirm the payment" in order.status_changes.last().note
    assessment = order.risk_assessment
    assert assessment.decision == "decline"
    assert assessment.rule_hits == [{"rule": rule.pk, "name": rule.name, "action": "decline"}]
    rule.refresh_from_db()
    assert rule.hit_count == 1


def test_a_velocity_rule_holds_the_fourth_order_from_one_device_within_an_hour(buy):
    rule = RiskRuleFactory(
        kind="velocity", action="review", entity="device", counted="orders", window=3600, limit=3, values=""
    )

    orders = [buy(email=f"shopper{n}@example.com") for n in range(4)]

    assert [o.status for o in orders] == ["paid", "paid", "paid", "on_hold"]
    held = orders[-1]
    assert payment_statuses(held) == [Payment.Status.AUTHORIZED]
    assert held.risk_assessment.reasons == [f"Rule '{rule.name}': 4 orders from this device in the last hour (limit 3)"]
    assert OrderEmail.objects.filter(order=held, kind=OrderEmail.Kind.ON_HOLD).count() == 1
    rule.refresh_from_db()
    assert rule.hit_count == 1


def test_the_amount_limit_for_new_accounts_spares_established_ones(buy):
    RiskRuleFactory(kind="new_account_amount", action="review", amount="30.00", values="", list_field="")
    veteran = UserFactory()
    veteran.date_joined = veteran.date_joined.replace(year=2020)
    veteran.save()

    assert buy(quantity=3).status == "on_hold"  # a guest: 37.50 + shipping
    assert buy(quantity=3, user=veteran, email=veteran.email).status == "paid"
    assert buy(quantity=2).status == "paid"  # 25.00 + 4.95 is below the limit


def test_an_allow_list_wins_over_a_review_rule_but_not_over_a_decline(buy):
    RiskRuleFactory(kind="allow_list", list_field="domain", values="example.com", action="review")
    RiskRuleFactory(kind="new_account_amount", action="review", amount="1.00", values="", list_field="")
    assert buy().status == "paid"
    RiskRuleFactory(kind="deny_list", list_field="ip_range", values="203.0.113.0/24", action="decline")
    assert buy().status == "cancelled"


def test_a_card_testing_burst_ends_declined(buy):
    RiskRuleFactory(
        kind="velocity", action="decline", entity="ip", counted="failed_payments", window=3600, limit=3, values=""
    )
    for _attempt in range(5):
        with pytest.raises(ApplicationError):
            buy(card=DECLINED_CARD, ip="198.51.100.7")

    order = buy(ip="198.51.100.7")

    assert FailedPaymentAttempt.objects.count() == 5
    assert order.status == "cancelled"
    assert order.risk_assessment.signals["failed_payments_1h"] == 5.0
    assert "5 failed payments from this IP address in the last hour" in order.risk_assessment.reasons[0]
    assert buy(ip="192.0.2.1").status == "paid"  # another IP is not affected


def test_a_retried_idempotency_key_returns_the_held_order_and_charges_once(buy):
    RiskRuleFactory(kind="new_account_amount", action="review", amount="1.00", values="", list_field="")

    first = buy(idempotency_key="api:user:1:key")
    again = buy(idempotency_key="api:user:1:key")

    assert (again.pk, again.status, again.replayed) == (first.pk, "on_hold", True)
    assert Payment.objects.count() == 1
    assert RiskAssessment.objects.count() == 1


def test_without_a_registered_screen_checkout_approves_as_before(buy, monkeypatch):
    monkeypatch.setattr(extensions, "_screens", [])

    order = buy()

    assert order.status == "paid"
    assert not RiskAssessment.objects.exists()


def test_a_screen_that_fails_holds_the_order(buy, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(extensions, "_screens", [broken])

    order = buy()

    assert order.status == "on_hold"
    assert "automatic check failed" in order.status_changes.last().note


def test_staff_approval_captures_a_held_order_and_records_a_genuine_label(buy):
    RiskRuleFactory(kind="new_account_amount", action="review", amount="1.00", values="", list_field="")
    order = buy()
    staff = UserFactory(is_staff=True)
    mail.outbox.clear()

    services.review_approve(assessment=order.risk_assessment, by=staff)

    order.refresh_from_db()
    assert order.status == "paid"
    assert payment_statuses(order) == [Payment.Status.CAPTURED]
    label = RiskLabel.objects.get()
    assert (label.is_fraud, label.source, label.created_by) == (False, "staff_approved", staff)
    assert OrderEmail.objects.filter(order=order, kind=OrderEmail.Kind.CONFIRMATION).count() == 1


def test_staff_decline_voids_returns_stock_tells_the_shopper_and_records_fraud(buy):
    RiskRuleFactory(kind="new_account_amount", action="review", amount="1.00", values="", list_field="")
    order = buy(quantity=4)
    staff = UserFactory(is_staff=True)

    services.review_decline(assessment=order.risk_assessment, by=staff)

    order.refresh_from_db()
    buy.variant.refresh_from_db()
    assert order.status == "cancelled"
    assert payment_statuses(order) == [Payment.Status.VOIDED]
    assert buy.variant.stock_quantity == 50
    assert OrderEmail.objects.filter(order=order, kind=OrderEmail.Kind.CANCELLED).count() == 1
    assert RiskLabel.objects.get().is_fraud is True
    with pytest.raises(ApplicationError, match="not on hold"):
        services.review_approve(assessment=order.risk_assessment, by=staff)
    assert RiskLabel.objects.count() == 1


def test_a_shopper_may_cancel_an_order_while_it_is_checked_and_the_reservation_is_released(buy):
    RiskRuleFactory(kind="new_account_amount", action="review", amount="1.00", values="", list_field="")
    customer = UserFactory()
    order = buy(user=customer, email=customer.email, quantity=2)

    order_cancel(order=order, by=customer, reason="Changed my mind")

    order.refresh_from_db()
    buy.variant.refresh_from_db()
    assert (order.status, order.refunded_total) == ("cancelled", Decimal("0.00"))
    assert payment_statuses(order) == [Payment.Status.VOIDED]
    assert buy.variant.stock_quantity == 50


def test_a_capture_the_gateway_refuses_leaves_the_order_on_hold_and_unlabelled(buy, monkeypatch):
    RiskRuleFactory(kind="new_account_amount", action="review", amount="1.00", values="", list_field="")
    order = buy()

    def refuse(self, **kwargs):
        raise PaymentNetworkError()

    monkeypatch.setattr(TestGateway, "capture", refuse)
    with pytest.raises(ApplicationError, match="could not reach the payment provider"):
        services.review_approve(assessment=order.risk_assessment, by=UserFactory(is_staff=True))

    order.refresh_from_db()
    assert order.status == "on_hold"
    assert payment_statuses(order) == [Payment.Status.AUTHORIZED]
    assert not RiskLabel.objects.exists()
