"""The email outbox every app shares (rows: core.models.OutboxEmail): send after commit, deliver
each email once, retry what failed (the periodic sweeps are scheduled in ops.schedules).

An app keeps its own outbox model, builds its messages, and wraps these functions in its services
and tasks (they take ids); the claiming, the bookkeeping and the retries live here, once.
"""

import logging
from collections.abc import Callable

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.models import OutboxEmail
from core.task_queue import task_send

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # then the email is marked failed and the sweep leaves it
SWEEP_LIMIT = 500  # emails per sweep run, oldest first
ERROR_MAX = 500  # OutboxEmail.last_error


def outbox_email_send_on_commit(*, email: OutboxEmail, task: str) -> None:
    """Ask a worker to deliver `email` (the task registered as `task`, with `email.pk`) once the
    current transaction commits.

    If the broker cannot take the task, the email stays pending for the sweep, so the change it
    reports is never held back or undone by the mail path.
    """
    email_id = email.pk

    def send() -> None:
        try:
            task_send(task, args=[email_id])
        except Exception:  # broker down: the sweep delivers it later
            logger.warning("Could not queue %s %s; the periodic sweep will send it", task, email_id, exc_info=True)

    transaction.on_commit(send)


def outbox_email_deliver(
    *, emails: QuerySet, email_id: int, message: Callable[[OutboxEmail], EmailMessage], max_attempts: int = MAX_ATTEMPTS
) -> bool:
    """Send one pending email of `emails` (an outbox model's queryset); True if this call sent it.

    The row is claimed with SELECT ... FOR UPDATE SKIP LOCKED (that row alone) and marked sent in
    the same transaction, so a task and the sweep (or two workers) never both send it. A mail
    server failure is recorded on the row and retried by the sweep, up to `max_attempts`.
    """
    with transaction.atomic():
        email = (
            emails.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=email_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False  # already sent, failed for good, or being sent by another worker
        email.attempts += 1
        try:
            message(email).send()
        except Exception as error:
            logger.exception("Could not send the %s (attempt %s)", email, email.attempts)
            email.last_error = str(error)[:ERROR_MAX]
            if email.attempts >= max_attempts:
                email.status = OutboxEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
            return False
        email.status, email.sent_at = OutboxEmail.Status.SENT, timezone.now()
        email.save(update_fields=["attempts", "status", "sent_at"])
        return True


def outbox_emails_deliver_pending(*, emails: QuerySet, deliver: Callable[..., bool], limit: int = SWEEP_LIMIT) -> int:
    """The sweep: `deliver(email_id=...)` each pending email of `emails`, oldest first; the number sent."""
    pending = emails.filter(status=OutboxEmail.Status.PENDING).order_by("created_at", "id")
    return sum(deliver(email_id=email_id) for email_id in list(pending.values_list("pk", flat=True)[:limit]))
