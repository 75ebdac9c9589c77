"""Writes of the fraud check: screening an order at checkout, recording failed card attempts, and
the staff's decisions on held orders (each one a label the model learns from).

`order_screen` is checkout's order screen (registered in RiskConfig.ready through
`checkout.extensions`): it runs inside the order's transaction, after the authorisation and before
the capture. The decision is the stricter of the model's (by the thresholds in RiskSettings) and
the rules' (an allow list approves unless a deny list or a decline rule also hits); without a
model the rules decide alone and the assessment says so.
"""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from checkout.extensions import Decision as ScreenDecision
from checkout.extensions import FailedAttempt, ScreenRequest, ScreenResult
from core.errors import ApplicationError
from orders.models import DECLINED_NOTE, Order
from orders.services import order_cancel, order_hold_release
from risk import inference, selectors
from risk.models import Decision, FailedPaymentAttempt, RiskAssessment, RiskLabel, RiskRule

_SEVERITY = {Decision.APPROVE: 0, Decision.REVIEW: 1, Decision.DECLINE: 2}


def _model_decision(score: float | None, configured) -> str:
    if score is None:
        return Decision.APPROVE
    if score >= configured.decline_threshold:
        return Decision.DECLINE
    return Decision.REVIEW if score >= configured.review_threshold else Decision.APPROVE


def _decide(*, model_decision: str, hits: list[selectors.RuleHit]) -> str:
    forced = [hit.rule.action for hit in hits if hit.rule.kind != RiskRule.Kind.ALLOW_LIST]
    strictest = max(forced, key=_SEVERITY.__getitem__, default=Decision.APPROVE)
    allowed = any(hit.rule.kind == RiskRule.Kind.ALLOW_LIST for hit in hits)
    if allowed and strictest != Decision.DECLINE:
        return Decision.APPROVE
    return max(strictest, model_decision, key=_SEVERITY.__getitem__)


def order_screen(request: ScreenRequest) -> ScreenResult:
    """Score an authorised order, apply the rules, record the assessment and the rules' hits."""
    now = timezone.now()
    configured = selectors.risk_settings_get()
    signals = selectors.order_signals(
        order=request.order,
        card_fingerprint=request.payment.card_fingerprint,
        device_id=request.client.device_id,
        ip=request.client.ip,
        now=now,
        configured=configured,
    )
    hits = selectors.rule_hits(signals=signals, rules=selectors.rules_active())
    scored = inference.order_score(signals=signals, explain_from=configured.review_threshold)
    decision = _decide(model_decision=_model_decision(scored.score, configured), hits=hits)
    reasons = [f"Rule '{hit.rule.name}': {hit.words}" for hit in hits] + scored.reasons
    RiskAssessment.objects.create(
        order=request.order,
        created_at=now,
        decision=decision,
        score=scored.score,
        reasons=reasons,
        rule_hits=[{"rule": hit.rule.pk, "name": hit.rule.name, "action": hit.rule.action} for hit in hits],
        model_version_id=scored.version_id,
        model_label=scored.label if scored.score is not None else "rules only",
        rules_only=scored.score is None,
        user=request.order.user,
        account_created_at=signals.account_created_at,
        customer_key=signals.customer_key,
        device_hash=signals.device_hash,
        ip_hash=signals.ip_hash,
        card_fingerprint=signals.card_fingerprint,
        address_hash=signals.address_hash,
        email_domain=signals.email_domain,
        amount=signals.amount,
        signals=signals.values,
    )
    if hits:
        RiskRule.objects.filter(pk__in=[hit.rule.pk for hit in hits]).update(
            hit_count=F("hit_count") + 1, last_hit_at=now
        )
    score = "no model, rules only" if scored.score is None else f"score {scored.score:.2f}"
    summary = f"Fraud check: {Decision(decision).label.lower()} ({score})"
    return ScreenResult(
        decision=ScreenDecision(decision), reason=f"{summary}. {'; '.join(reasons)}"[:500] if reasons else summary
    )


def failed_payment_record(attempt: FailedAttempt) -> FailedPaymentAttempt:
    """Keep a refused card attempt, hashed, for card-testing signals and velocity rules."""
    user = attempt.user if attempt.user is not None and attempt.user.is_authenticated else None
    email = (attempt.email or "").lower()
    return FailedPaymentAttempt.objects.create(
        payment=attempt.payment,
        created_at=attempt.payment.created_at,
        customer_key=selectors.signal_hash("user", str(user.pk)) if user else selectors.signal_hash("email", email),
        device_hash=selectors.signal_hash("device", attempt.client.device_id),
        ip_hash=selectors.signal_hash("ip", attempt.client.ip),
        card_fingerprint=attempt.payment.card_fingerprint,
    )


def _label(*, assessment: RiskAssessment, is_fraud: bool, source: str, by, note: str = "") -> RiskLabel:
    return RiskLabel.objects.create(
        assessment=assessment,
        is_fraud=is_fraud,
        source=source,
        note=note[:300],
        created_by=by if by is not None and by.is_authenticated else None,
        created_at=timezone.now(),
    )


def _held(assessment: RiskAssessment) -> Order:
    if assessment.order.status != Order.Status.ON_HOLD:
        raise ApplicationError(
            f"Order {assessment.order.number} is not on hold.", code="not_on_hold", details={"order": ["Not on hold."]}
        )
    return assessment.order


@transaction.atomic
def review_approve(*, assessment: RiskAssessment, by) -> RiskLabel:
    """Staff cleared a held order: capture the payment (the order becomes paid, the shopper is told);
    recorded as a genuine-order label."""
    order_hold_release(order=_held(assessment), by=by, note="Approved after a fraud check")
    return _label(assessment=assessment, is_fraud=False, source=RiskLabel.Source.STAFF_APPROVED, by=by)


@transaction.atomic
def review_decline(*, assessment: RiskAssessment, by) -> RiskLabel:
    """Staff declined a held order: release the authorisation (refund anything captured), return the
    stock and tell the shopper, without accusing them; recorded as a fraud label."""
    order_cancel(order=_held(assessment), by=by, reason=DECLINED_NOTE)
    return _label(assessment=assessment, is_fraud=True, source=RiskLabel.Source.STAFF_DECLINED, by=by)


def chargeback_record(*, assessment: RiskAssessment, by, note: str = "") -> RiskLabel:
    """The bank reported a chargeback on the order's payment: a fraud label."""
    return _label(assessment=assessment, is_fraud=True, source=RiskLabel.Source.CHARGEBACK, by=by, note=note)


@transaction.atomic
def customer_signals_erase(*, user, pseudonym: str) -> dict[str, int]:
    """When an account closes: its assessments keep the decision, score and labels (what the store
    learned) but lose every link back to the person: the account, and the hashes of their device,
    IP, card, address and e-mail domain; the customer key becomes `pseudonym`. Their failed card
    attempts are deleted."""
    keys = {selectors.signal_hash("user", str(user.pk)), selectors.signal_hash("email", user.email.lower())}
    assessments = RiskAssessment.objects.filter(Q(user=user) | Q(customer_key__in=keys))
    anonymised = assessments.update(
        user=None,
        customer_key=pseudonym,
        device_hash="",
        ip_hash="",
        card_fingerprint="",
        address_hash="",
        email_domain="",
    )
    attempts = FailedPaymentAttempt.objects.filter(customer_key__in=keys).delete()[0]
    return {"risk_assessments_anonymised": anonymised, "failed_payment_attempts_deleted": attempts}
