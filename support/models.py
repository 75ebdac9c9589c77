"""The support bot's data: what it knows (intents, FAQ), what was said (conversations, messages),
what it hands to people (tickets, and the emails of staff replies) and what it starts (return requests).

Message and ticket texts are stored with card numbers, emails and phone numbers masked
(support.pii); the raw text is never written.
"""

import uuid

from django.conf import settings
from django.db import models

from core.models import OutboxEmail


class Intent(models.Model):
    """Something a shopper may want; the bot's classifier learns it from the examples."""

    name = models.SlugField(max_length=60, unique=True, help_text="Stable code the dialogue uses, e.g. order_status.")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True, help_text="Inactive intents are left out of the next training.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title or self.name


class IntentExample(models.Model):
    class Source(models.TextChoices):
        SEED = "seed", "Default set"
        STAFF = "staff", "Written by staff"
        LABEL = "label", "Labelled from a conversation"

    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="examples")
    text = models.CharField(max_length=500)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["intent", "id"]
        constraints = [models.UniqueConstraint(fields=["intent", "text"], name="support_example_unique")]

    def __str__(self) -> str:
        return self.text


class FaqEntry(models.Model):
    """A question with its variants (one per line) and the answer the bot gives word for word."""

    question = models.CharField(max_length=300)
    variants = models.TextField(blank=True, help_text="Other ways to ask it, one per line.")
    answer = models.TextField()
    category = models.SlugField(max_length=60, help_text="e.g. delivery, payment, returns, account, discounts.")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "question"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self) -> str:
        return self.question

    @property
    def all_questions(self) -> list[str]:
        return [self.question, *[line.strip() for line in self.variants.splitlines() if line.strip()]]


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HANDED_OFF = "handed_off", "Handed to staff"
        CLOSED = "closed", "Closed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_conversations"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    state = models.JSONField(default=dict, blank=True, help_text="Dialogue memory: pending question, slots.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Conversation {self.public_id}"


class Message(models.Model):
    class Role(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        BOT = "bot", "Bot"
        STAFF = "staff", "Staff"

    class Feedback(models.TextChoices):
        UP = "up", "Helpful"
        DOWN = "down", "Not helpful"

    class Review(models.TextChoices):
        NONE = "", "Nothing to review"
        PENDING = "pending", "To label"
        LABELLED = "labelled", "Labelled"
        DISMISSED = "dismissed", "Dismissed"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=Role.choices)
    text = models.TextField(help_text="Personal data (cards, emails, phones) masked.")
    intent = models.CharField(max_length=60, blank=True, help_text="What the bot understood ('' for none).")
    confidence = models.FloatField(null=True, blank=True)
    model_label = models.CharField(
        max_length=80,
        blank=True,
        help_text='The model that understood the message, e.g. "support_intents v3", "support_intents baseline".',
    )
    model_version = models.ForeignKey(
        "ml.ModelVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_messages",
        help_text="The trained version behind the label; empty for the baseline and for answers no model gave.",
    )
    payload = models.JSONField(default=dict, blank=True, help_text="Quick replies, cards and actions of a bot reply.")
    feedback = models.CharField(max_length=4, choices=Feedback.choices, blank=True)
    is_fallback = models.BooleanField(default=False, help_text="The bot did not understand this customer message.")
    review_status = models.CharField(max_length=10, choices=Review.choices, blank=True, db_index=True)
    labelled_intent = models.ForeignKey(Intent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    labelled_faq = models.ForeignKey(FaqEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.text[:60]}"


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="tickets")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_tickets"
    )
    email = models.EmailField(blank=True, help_text="Where staff replies are sent.")
    reason = models.CharField(max_length=200)
    transcript = models.TextField(help_text="The conversation up to the hand-off, personal data masked.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_support_tickets",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Ticket #{self.pk}"


class TicketReply(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "ticket replies"

    def __str__(self) -> str:
        return f"Reply to #{self.ticket_id}"


class TicketReplyEmail(OutboxEmail):
    """The email of a staff reply to the ticket's customer, written with the reply (an outbox, see
    core.models.OutboxEmail); the periodic sweep is support.tasks.ticket_reply_emails_deliver_pending."""

    reply = models.OneToOneField(TicketReply, on_delete=models.CASCADE, related_name="email")
    to = models.EmailField(help_text="The ticket's email when the reply was written.")

    class Meta(OutboxEmail.Meta):
        indexes = [models.Index(fields=["status", "created_at"], name="ticketreplyemail_pending_idx")]

    def __str__(self) -> str:
        return f"email of ticket reply {self.reply_id}"


class ReturnRequest(models.Model):
    """A return started by the bot for a delivered order; staff approve it and refund in the orders admin."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="return_requests")
    conversation = models.ForeignKey(Conversation, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(status="requested"), name="support_one_open_return_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"Return of {self.order_id}"
