"""Privacy's own tables: the access audit, data export jobs, the retention policy and marketing consent.

The roles' permissions hang on AccessLog (Django keys permissions by model): seeing contact data,
addresses, revealing a ticket's contact, exporting and erasing a customer's data.
"""

import uuid

from django.conf import settings
from django.db import models


class AccessLog(models.Model):
    """Who saw, exported or erased whose personal data, when and why. Written only by
    privacy.services.access_log_record; read-only in the admin; kept for RetentionPolicy.audit_days."""

    class Action(models.TextChoices):
        REVEAL = "reveal", "Revealed masked data"
        EXPORT = "export", "Exported a customer's data"
        DOWNLOAD = "download", "Downloaded an export"
        ERASURE = "erasure", "Erased a customer's data"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="The actor's username when it happened.")
    action = models.CharField(max_length=10, choices=Action.choices)
    subject_id = models.BigIntegerField(null=True, blank=True, help_text="The id of the person whose data it was.")
    target = models.CharField(max_length=200, blank=True, help_text='What was accessed, e.g. "support.Ticket 12".')
    reason = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        permissions = [
            ("view_contact", "Can see customers' e-mails, phones and names"),
            ("view_address", "Can see customers' addresses"),
            ("view_shipping_address", "Can see the shipping address of orders"),
            ("reveal_contact", "Can reveal the contact of a ticket's customer (audited)"),
            ("export_personal_data", "Can export a customer's data"),
            ("erase_personal_data", "Can close a customer's account on their request"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.target} at {self.at:%Y-%m-%d %H:%M}"


class ExportJob(models.Model):
    """A customer's data export: built by a worker into a zip, downloadable until `expires_at`."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=200, blank=True, help_text="Under PRIVACY_EXPORT_ROOT.")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Export {self.public_id} of {self.user_id}"


class RetentionPolicy(models.Model):
    """The store's retention periods (one row). An empty field falls back to PRIVACY_RETENTION_DAYS."""

    events_days = models.PositiveIntegerField(null=True, blank=True, help_text="Raw events pseudonymised after.")
    support_days = models.PositiveIntegerField(null=True, blank=True, help_text="Chats and tickets anonymised after.")
    guest_cart_days = models.PositiveIntegerField(null=True, blank=True, help_text="Guest carts removed after.")
    dormant_address_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Address books of customers not seen since are removed."
    )
    audit_days = models.PositiveIntegerField(null=True, blank=True, help_text="Access audit entries deleted after.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "retention policy"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="retentionpolicy_singleton")]

    def __str__(self) -> str:
        return "Retention policy"

    def days(self, name: str) -> int:
        """The period in days for `name` (events, support, guest_cart, dormant_address, audit)."""
        value = getattr(self, f"{name}_days")
        return value if value is not None else settings.PRIVACY_RETENTION_DAYS[name]


class ConsentEvent(models.Model):
    """One change of a customer's marketing consent; the latest one is their current choice."""

    class Source(models.TextChoices):
        ACCOUNT_PAGE = "account_page", "Account page"
        API = "api", "API"
        REGISTRATION = "registration", "Registration"
        ADMIN = "admin", "Staff, on the customer's request"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField(max_length=20, default="marketing_email")
    given = models.BooleanField()
    source = models.CharField(max_length=15, choices=Source.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "-at"], name="consent_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {'gave' if self.given else 'withdrew'} {self.purpose} consent"
