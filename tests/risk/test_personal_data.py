"""Closing an account removes every link from the fraud checks back to the person (privacy.registry):
the decisions stay with the anonymised order, the hashes and the failed card attempts go."""

import pytest
from django.utils import timezone

from accounts.services import user_delete
from privacy.services import pseudonym
from risk.models import FailedPaymentAttempt, RiskAssessment
from risk.selectors import signal_hash
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def assessment_for(order, **signals) -> RiskAssessment:
    return RiskAssessment.objects.create(
        order=order,
        created_at=timezone.now(),
        decision="review",
        score=0.4,
        reasons=["7 orders from this device in 1 hour"],
        user=order.user,
        account_created_at=order.user.date_joined,
        amount=order.total,
        **signals,
    )


def test_closing_the_account_keeps_the_decision_and_drops_every_link():
    # given: Ann's checked order and card-testing attempt, and Bob's order from the same device
    ann, bob = UserFactory(email="ann@example.com"), UserFactory()
    device = signal_hash("device", "ann-phone")
    ann_key = signal_hash("user", str(ann.pk))
    signals = {"device_hash": device, "ip_hash": "ip", "card_fingerprint": "card", "address_hash": "addr"}
    assessment_for(OrderFactory(user=ann), customer_key=ann_key, email_domain="example.com", **signals)
    bobs = assessment_for(OrderFactory(user=bob), customer_key=signal_hash("user", str(bob.pk)), device_hash=device)
    FailedPaymentAttempt.objects.create(created_at=timezone.now(), customer_key=ann_key, device_hash=device)

    # when
    counts = user_delete(user=ann)

    # then: Ann's check is anonymous; Bob's is untouched
    anns = RiskAssessment.objects.exclude(pk=bobs.pk).get()
    assert (anns.decision, anns.score, anns.user_id, anns.customer_key) == ("review", 0.4, None, pseudonym(ann.pk))
    assert (anns.device_hash, anns.ip_hash, anns.card_fingerprint, anns.address_hash, anns.email_domain) == ("",) * 5
    assert not FailedPaymentAttempt.objects.exists()
    assert RiskAssessment.objects.get(pk=bobs.pk).device_hash == device
    assert counts["risk.risk_assessments_anonymised"] == 1
    assert counts["risk.failed_payment_attempts_deleted"] == 1
