"""Fraud checks of orders: the assessment of each order, the staff's rules, the review thresholds,
the labels the model learns from, and failed card attempts (card testing).

Privacy: the device id, IP address, shipping address and card are kept only as keyed one-way hashes
(`risk.selectors.signal_hash`, the card's fingerprint comes from the gateway), enough to link
orders from the same device or card and nothing more. The raw IP is used once, at checkout, to test
the IP ranges of the allow and deny lists.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REVIEW = "review", "Review"
    DECLINE = "decline", "Decline"


class RiskSettings(models.Model):
    """The one row of thresholds (and which categories resell easily); edited in the admin."""

    review_threshold = models.FloatField(
        default=0.5, help_text="Orders with a fraud probability at least this are held for review."
    )
    decline_threshold = models.FloatField(
        default=0.9, help_text="Orders with a fraud probability at least this are declined."
    )
    high_resale_categories = models.ManyToManyField(
        "shop.Category", blank=True, help_text="Goods easy to resell (electronics, gift cards): a signal."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "risk settings"

    def __str__(self) -> str:
        return f"Review from {self.review_threshold:.2f}, decline from {self.decline_threshold:.2f}"

    def clean(self) -> None:
        if not 0 < self.review_threshold <= self.decline_threshold <= 1:
            raise ValidationError(
                {"decline_threshold": "Use 0 < review threshold <= decline threshold <= 1."}, code="thresholds"
            )


class RiskRule(models.Model):
    """A rule staff set in the admin; it forces its action on the orders it matches, whatever the model says.

    - velocity: more than `limit` of `counted` (orders, distinct cards, distinct shipping addresses
      or failed payments) for the order's `entity` (account, device, IP address or card) within `window`;
    - new-account amount: an order above `amount` from an account younger than `new_account_days`
      (guests count as new);
    - allow / deny list: the order's `list_field` (e-mail, e-mail domain, card fingerprint or IP
      range in CIDR notation) is one of `values` (one per line). An allow list approves (a deny
      list or decline rule still wins).
    """

    class Kind(models.TextChoices):
        VELOCITY = "velocity", "Velocity limit"
        NEW_ACCOUNT_AMOUNT = "new_account_amount", "Amount limit for new accounts"
        ALLOW_LIST = "allow_list", "Allow list"
        DENY_LIST = "deny_list", "Deny list"

    class Entity(models.TextChoices):
        ACCOUNT = "account", "account"
        DEVICE = "device", "device"
        IP = "ip", "IP address"
        CARD = "card", "card"

    class Counted(models.TextChoices):
        ORDERS = "orders", "orders"
        CARDS = "cards", "different cards"
        ADDRESSES = "addresses", "different shipping addresses"
        FAILED_PAYMENTS = "failed_payments", "failed payments"

    class Window(models.IntegerChoices):
        HOUR = 3600, "hour"
        DAY = 86400, "day"

    class ListField(models.TextChoices):
        EMAIL = "email", "e-mail address"
        DOMAIN = "domain", "e-mail domain"
        CARD = "card", "card fingerprint"
        IP_RANGE = "ip_range", "IP range"

    class Action(models.TextChoices):
        REVIEW = "review", "Hold for review"
        DECLINE = "decline", "Decline"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    action = models.CharField(
        max_length=10, choices=Action.choices, default=Action.REVIEW, help_text="Ignored by allow lists."
    )
    is_active = models.BooleanField(default=True)
    entity = models.CharField(max_length=10, choices=Entity.choices, blank=True, help_text="Velocity: per what.")
    counted = models.CharField(max_length=20, choices=Counted.choices, blank=True, help_text="Velocity: what.")
    window = models.PositiveIntegerField(choices=Window.choices, null=True, blank=True)
    limit = models.PositiveIntegerField(null=True, blank=True, help_text="Velocity: more than this matches.")
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="New accounts: orders above this match."
    )
    new_account_days = models.PositiveIntegerField(default=7, help_text="New accounts: younger than this.")
    list_field = models.CharField(max_length=10, choices=ListField.choices, blank=True)
    values = models.TextField(blank=True, help_text="Lists: one value per line.")
    hit_count = models.PositiveIntegerField(default=0, editable=False)
    last_hit_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        required = {
            self.Kind.VELOCITY: ("entity", "counted", "window", "limit"),
            self.Kind.NEW_ACCOUNT_AMOUNT: ("amount",),
            self.Kind.ALLOW_LIST: ("list_field", "values"),
            self.Kind.DENY_LIST: ("list_field", "values"),
        }.get(self.kind, ())
        errors = {name: "Required for this kind of rule." for name in required if getattr(self, name) in (None, "")}
        if errors:
            raise ValidationError(errors)

    @property
    def value_list(self) -> list[str]:
        return [line.strip().lower() for line in self.values.splitlines() if line.strip()]


class RiskAssessment(models.Model):
    """The fraud check of one order at checkout: the signals, the score, the rules hit and the decision."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="risk_assessment")
    created_at = models.DateTimeField(db_index=True)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    score = models.FloatField(null=True, blank=True, help_text="Fraud probability; empty when rules alone decided.")
    reasons = models.JSONField(default=list, blank=True, help_text="Why, in words, most important first.")
    rule_hits = models.JSONField(default=list, blank=True)
    model_version = models.ForeignKey("ml.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL)
    model_label = models.CharField(max_length=60, blank=True)
    rules_only = models.BooleanField(default=False, help_text="No model could be used: the rules alone decided.")
    # The signals, for linking orders and for training (hashes only, see the module docstring).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    account_created_at = models.DateTimeField()
    customer_key = models.CharField(max_length=64, db_index=True)
    device_hash = models.CharField(max_length=64, blank=True, db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    card_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)
    email_domain = models.CharField(max_length=120, blank=True, db_index=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    signals = models.JSONField(default=dict, help_text="The order's own signals, as the model reads them.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.order_id}"


class ReviewQueueItem(RiskAssessment):
    """The review queue in the admin: assessments whose order is on hold."""

    class Meta:
        proxy = True
        verbose_name = "order to review"
        verbose_name_plural = "review queue"


class RiskLabel(models.Model):
    """What an order turned out to be: staff decisions and chargebacks. The model learns from these."""

    class Source(models.TextChoices):
        STAFF_APPROVED = "staff_approved", "Approved by staff"
        STAFF_DECLINED = "staff_declined", "Declined by staff"
        CHARGEBACK = "chargeback", "Chargeback"

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="labels")
    is_fraud = models.BooleanField()
    source = models.CharField(max_length=20, choices=Source.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{'fraud' if self.is_fraud else 'genuine'} ({self.get_source_display()})"


class FailedPaymentAttempt(models.Model):
    """A card the gateway refused at checkout, with who tried (hashes): many of them is card testing."""

    payment = models.OneToOneField("payments.Payment", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(db_index=True)
    customer_key = models.CharField(max_length=64, db_index=True)
    device_hash = models.CharField(max_length=64, blank=True, db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    card_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Failed payment {self.created_at:%Y-%m-%d %H:%M}"
