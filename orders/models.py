"""Placed orders: frozen prices, addresses and shipping, and the status history.

Orders are written by `checkout.services.order_place` and moved through their workflow by
`orders.services` (pending payment -> paid -> shipped -> delivered; cancelled; refunded). An order
whose payment is authorised but held for a fraud check is "on hold" until staff approve (paid) or
decline (cancelled) it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from core.models import OutboxEmail
from shop.models import Variant

ZERO = Decimal("0.00")
HOLD_NOTE = (
    "We are checking this order before we take the payment: the amount is reserved on your card but not "
    "charged. We will email you, usually within one working day, when it is confirmed and on its way, or, if "
    "we cannot accept it, that it is cancelled and the reserved amount released."
)
# The cancellation note of an order the fraud check declined (checkout or staff): it accuses no one.
DECLINED_NOTE = (
    "We were unable to confirm the payment for this order, so it has not been placed. Your card has not been "
    "charged and the amount reserved on it is released."
)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        ON_HOLD = "on_hold", "On hold"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    number = models.CharField(max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT)
    currency = models.CharField(max_length=3, default="EUR")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    refunded_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO, help_text="Percent.")
    prices_include_tax = models.BooleanField(default=True)
    shipping_method = models.CharField(max_length=100, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    # Scoped by the checkout ("form:<token>" or "api:<user or session>:<Idempotency-Key>").
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="order_user_idx"),
            models.Index(fields=["status", "-created_at"], name="order_status_idx"),
            models.Index(fields=["email"], name="order_email_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refunded_total__gte=0, refunded_total__lte=models.F("total")),
                name="order_refunded_within_total",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status_note(self) -> str:
        """What the shopper is told about the status beyond its name (or ""): what happens next for an
        order on hold, why for an order the fraud check declined."""
        if self.status == self.Status.ON_HOLD:
            return HOLD_NOTE
        if self.status == self.Status.CANCELLED:
            last = list(self.status_changes.all())[-1:]  # prefetched by the order pages and API
            return DECLINED_NOTE if last and last[0].note == DECLINED_NOTE else ""
        return ""


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, null=True, on_delete=models.SET_NULL, related_name="order_lines")
    product_name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=120, blank=True)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    refunded_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refunded_quantity__lte=models.F("quantity")),
                name="orderline_refunded_within_quantity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class OrderStatusChange(models.Model):
    """Who moved an order from one status to another, when, and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Order.Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} -> {self.to_status}"


class OrderEmail(OutboxEmail):
    """An email about an order, written in the same transaction as the change it reports (an outbox,
    see core.models.OutboxEmail); the periodic sweep is orders.tasks.order_emails_deliver_pending."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Order confirmation"
        ON_HOLD = "on_hold", "Being checked"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    context = models.JSONField(default=dict, blank=True, help_text="Extra template values, e.g. a refund's amount.")

    class Meta(OutboxEmail.Meta):
        indexes = [models.Index(fields=["status", "created_at"], name="orderemail_pending_idx")]

    def __str__(self) -> str:
        return f"{self.kind} email of order {self.order_id}"
