"""Base models the apps build on. Abstract: core has no tables of its own."""

from django.db import models


class OutboxEmail(models.Model):
    """An email written in the same transaction as the change it reports (an outbox row).

    A Celery task sends it right after the commit; if the broker or the worker is down, or the
    mail server refuses it, the app's periodic sweep sends it later. A row is claimed under a row
    lock and marked sent in that transaction, so each email goes out once. The delivery is
    `core.outbox`; a concrete outbox (orders.OrderEmail, support.TicketReplyEmail) adds what the
    email is about, and its app says how the message reads.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
