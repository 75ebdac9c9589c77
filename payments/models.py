"""Money movements of an order through a payment gateway: authorisations, captures and refunds.

Payments sit below orders: a payment points at its order by foreign key, named as "orders.Order"
(Django resolves it when the apps load), without importing the orders app.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models


class Payment(models.Model):
    class Status(models.TextChoices):
        AUTHORIZED = "authorized", "Authorised"
        CAPTURED = "captured", "Captured"
        FAILED = "failed", "Failed"
        VOIDED = "voided", "Voided"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(max_length=40)
    reference = models.CharField(max_length=100, blank=True, help_text="The gateway's transaction id.")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    status = models.CharField(max_length=20, choices=Status.choices)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_fingerprint = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="The gateway's one-way token of the card number."
    )
    failure_code = models.CharField(max_length=40, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0, refunded_amount__lte=models.F("amount")),
                name="payment_refunded_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.reference or self.pk} {self.status} {self.amount}"

    @property
    def refundable_amount(self) -> Decimal:
        """What can still be refunded: the captured amount less refunds (nothing unless captured)."""
        captured = self.status in (self.Status.CAPTURED, self.Status.PARTIALLY_REFUNDED)
        return self.amount - self.refunded_amount if captured else Decimal("0.00")


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reference = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"Refund {self.amount} of {self.payment_id}"
