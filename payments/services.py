"""Money movements of orders through the configured gateway: authorise, capture, void and refund.

Each service calls the gateway and records the outcome on a `Payment` (and `Refund`) row. Gateway
failures propagate as `payments.gateways.PaymentError` from authorise, capture and void, because
checkout must roll its transaction back first and then say why; refunds, called from the back
office and order cancellation, turn them into an `ApplicationError`.
"""

from decimal import Decimal

from django.db import transaction

from core.errors import ApplicationError
from payments.gateways import CardDetails, PaymentError, PaymentGateway, gateway_get
from payments.models import Payment, Refund

CENT = Decimal("0.01")


def _gateway_for(payment: Payment) -> PaymentGateway:
    gateway = gateway_get()
    if gateway.code != payment.gateway:
        raise ApplicationError(
            f"This payment was made through the '{payment.gateway}' gateway, which is not the one configured.",
            code="payment_gateway_mismatch",
        )
    return gateway


def payment_authorize(*, order, card: CardDetails, amount: Decimal, currency: str) -> Payment:
    """Reserve `amount` on the card for `order` (an orders.Order) and record the authorisation.
    Raises PaymentError on failure."""
    gateway = gateway_get()
    result = gateway.authorize(amount=amount, currency=currency, card=card, description=f"Order {order.number}")
    return Payment.objects.create(
        order=order,
        gateway=gateway.code,
        reference=result.reference,
        amount=result.amount,
        currency=currency,
        status=Payment.Status.AUTHORIZED,
        card_brand=card.brand,
        card_last4=card.last4,
        card_fingerprint=gateway.card_fingerprint(card),
    )


def payment_capture(*, payment: Payment) -> Payment:
    """Take the authorised amount. Raises PaymentError on failure (the authorisation stays)."""
    if payment.status != Payment.Status.AUTHORIZED:
        raise ApplicationError("Only an authorised payment can be captured.", code="payment_not_authorized")
    _gateway_for(payment).capture(reference=payment.reference, amount=payment.amount, currency=payment.currency)
    payment.status = Payment.Status.CAPTURED
    payment.save(update_fields=["status", "updated_at"])
    return payment


def payment_void(*, payment: Payment) -> Payment:
    """Release an authorisation that will not be captured. Raises PaymentError on failure."""
    if payment.status != Payment.Status.AUTHORIZED:
        raise ApplicationError("Only an authorised payment can be voided.", code="payment_not_authorized")
    _gateway_for(payment).void(reference=payment.reference)
    payment.status = Payment.Status.VOIDED
    payment.save(update_fields=["status", "updated_at"])
    return payment


def payment_failure_record(*, card: CardDetails, amount: Decimal, currency: str, error: PaymentError) -> Payment:
    """Keep a failed attempt for support (no order: the checkout that tried it was rolled back)."""
    gateway = gateway_get()
    return Payment.objects.create(
        gateway=gateway.code,
        amount=amount,
        currency=currency,
        status=Payment.Status.FAILED,
        card_brand=card.brand,
        card_last4=card.last4,
        card_fingerprint=gateway.card_fingerprint(card),
        failure_code=error.code,
        failure_message=error.message[:300],
    )


def payment_refund(*, payment: Payment, amount: Decimal, reason: str = "", created_by=None) -> Refund:
    """Give back `amount` of a captured payment, in full or in part, and record the refund.

    The payment row is locked for the whole operation, so concurrent refunds are serialised and the
    total refunded can never exceed the captured amount (a check constraint backs this up). Raises
    ApplicationError for a bad amount, an uncaptured payment or a gateway failure; nothing is then
    written. Updates `payment` in place. The order's totals and status are the caller's (orders).
    """
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise ApplicationError(
            "Enter a positive amount with at most 2 decimal places.",
            code="invalid_amount",
            details={"amount": ["Enter a positive amount with at most 2 decimal places."]},
        )
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status not in (Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED):
            raise ApplicationError("Only a captured payment can be refunded.", code="payment_not_captured")
        if amount > locked.refundable_amount:
            message = f"At most {locked.refundable_amount} {locked.currency} of this payment can still be refunded."
            raise ApplicationError(
                message,
                code="refund_exceeds_captured",
                details={"amount": [message], "refundable": str(locked.refundable_amount)},
            )
        try:
            result = _gateway_for(locked).refund(reference=locked.reference, amount=amount, currency=locked.currency)
        except PaymentError as exc:
            raise ApplicationError(exc.message, code=exc.code) from exc
        locked.refunded_amount += amount
        locked.status = (
            Payment.Status.REFUNDED if locked.refunded_amount == locked.amount else Payment.Status.PARTIALLY_REFUNDED
        )
        locked.save(update_fields=["refunded_amount", "status", "updated_at"])
        refund = Refund.objects.create(
            payment=locked, amount=amount, reference=result.reference, reason=reason[:300], created_by=created_by
        )
    for name in ("refunded_amount", "status", "updated_at"):
        setattr(payment, name, getattr(locked, name))
    return refund
