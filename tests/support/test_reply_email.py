"""A staff reply's email goes through the outbox (support.TicketReplyEmail, core.outbox): written with
the reply, sent by a task after the commit, kept with its error when the mail server refuses it,
sent later by the periodic sweep, and never twice."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.apps import apps
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connections, transaction
from django.db.models.signals import post_migrate
from django.utils.timezone import localtime
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from support import tasks
from support.models import Message, Ticket, TicketReply, TicketReplyEmail
from support.services import ticket_reply_add, ticket_reply_email_deliver, ticket_reply_emails_deliver_pending
from tests.factories import UserFactory
from tests.support.factories import TicketFactory

pytestmark = pytest.mark.django_db

REFUSING_BACKEND = "tests.support.test_reply_email.RefusingEmailBackend"
PENDING, SENT, FAILED = TicketReplyEmail.Status.PENDING, TicketReplyEmail.Status.SENT, TicketReplyEmail.Status.FAILED


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server refused")


@pytest.fixture
def ticket():
    return TicketFactory(user=UserFactory(username="ana", email="ana@example.com"))


@pytest.fixture
def staff():
    return UserFactory(username="sam", is_staff=True)


def reply_through_the_api(staff, ticket, text: str):
    client = APIClient()
    client.force_authenticate(staff)
    return client.post(f"/api/v1/support/tickets/{ticket.pk}/replies/", {"text": text}, format="json")


def test_the_reply_and_its_email_are_written_in_one_transaction(ticket, staff, django_capture_on_commit_callbacks):
    # when: staff reply; the commit's callbacks are held back (no worker has run yet)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = ticket_reply_add(ticket=ticket, author=staff, text="Your parcel left today.")

    # then: the email waits in the outbox, and only the task to send it is queued after the commit
    email = TicketReplyEmail.objects.get()
    assert (email.reply, email.to, email.status, email.attempts, email.sent_at) == (
        reply,
        "ana@example.com",
        PENDING,
        0,
        None,
    )
    assert len(callbacks) == 1
    assert mail.outbox == []


def reply_in_a_request_that_fails(ticket, staff) -> None:
    with transaction.atomic():
        ticket_reply_add(ticket=ticket, author=staff, text="Your parcel left today.")
        raise RuntimeError("the request failed later")


def test_a_reply_rolled_back_leaves_no_email(ticket, staff):
    # when: the reply's transaction fails after the reply was written
    with pytest.raises(RuntimeError, match="the request failed later"):
        reply_in_a_request_that_fails(ticket, staff)

    # then: neither the reply nor its email exists
    assert (TicketReply.objects.count(), TicketReplyEmail.objects.count()) == (0, 0)


def test_a_ticket_without_an_email_gets_no_email_row(staff):
    ticket = TicketFactory(user=None, email="")

    ticket_reply_add(ticket=ticket, author=staff, text="Thanks, all sorted.")

    assert TicketReplyEmail.objects.count() == 0
    assert list(TicketReply.objects.values_list("text", flat=True)) == ["Thanks, all sorted."]


def test_a_refused_email_stays_pending_with_the_error_and_the_sweep_sends_it_later(
    ticket, staff, settings, django_capture_on_commit_callbacks
):
    # given: the mail server is down when staff reply
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        response = reply_through_the_api(staff, ticket, "Your parcel left today.")

    # then: the reply is saved and in the chat; its email waits with the error
    assert response.status_code == 201
    assert Message.objects.get(role=Message.Role.STAFF).text == "Your parcel left today."
    assert Ticket.objects.get().status == Ticket.Status.ANSWERED
    email = TicketReplyEmail.objects.get()
    assert (email.status, email.attempts, email.last_error, email.sent_at) == (PENDING, 1, "mail server refused", None)
    assert mail.outbox == []

    # when: the mail server is back and beat runs the sweep
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent = tasks.ticket_reply_emails_deliver_pending.delay().get()

    # then: it is sent once, with the reply's text, and the next sweep has nothing to send
    assert sent == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (SENT, 2, "mail server refused")
    assert email.sent_at is not None
    [message] = mail.outbox
    assert (message.to, message.subject) == (["ana@example.com"], f"Re: your support request #{ticket.pk}")
    assert message.body == (
        "Hello,\n\nYour parcel left today.\n\nYou can also read this answer in the chat on our site.\n\nStorefront AI"
    )
    assert ticket_reply_emails_deliver_pending() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_gives_up_after_five_refusals(ticket, staff, settings):
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    ticket_reply_add(ticket=ticket, author=staff, text="Your parcel left today.")

    sent = [ticket_reply_emails_deliver_pending() for _ in range(6)]

    email = TicketReplyEmail.objects.get()
    assert sent == [0, 0, 0, 0, 0, 0]
    assert (email.status, email.attempts, email.last_error) == (FAILED, 5, "mail server refused")


def test_delivering_twice_sends_once(ticket, staff):
    ticket_reply_add(ticket=ticket, author=staff, text="Your parcel left today.")
    email = TicketReplyEmail.objects.get()

    first = ticket_reply_email_deliver(email_id=email.pk)
    second = ticket_reply_email_deliver(email_id=email.pk)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (SENT, 1)


def _deliver_from_another_worker(email_id: int) -> bool:
    try:
        return ticket_reply_email_deliver(email_id=email_id)
    finally:
        connections.close_all()  # this thread's own database connection


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_an_email_another_worker_is_sending(ticket, staff, settings):
    # given: the email's task failed once, so the row is pending
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    ticket_reply_add(ticket=ticket, author=staff, text="Your parcel left today.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email = TicketReplyEmail.objects.get()
    assert (email.status, email.attempts) == (PENDING, 1)

    # when: one worker holds the row (it is sending) and a second worker, on its own connection, tries
    with transaction.atomic():
        TicketReplyEmail.objects.select_for_update().get(pk=email.pk)
        with ThreadPoolExecutor(max_workers=1) as pool:
            second = pool.submit(_deliver_from_another_worker, email.pk).result(timeout=30)

    # then: the second one skipped it without waiting and sent nothing; the row is untouched
    assert second is False
    assert mail.outbox == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == (PENDING, 1)


def test_the_ticket_admin_shows_where_each_reply_email_stands(
    admin_client, ticket, staff, settings, django_capture_on_commit_callbacks
):
    # given: the first reply's email was refused, the second one's sent
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply_add(ticket=ticket, author=staff, text="First answer.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply_add(ticket=ticket, author=staff, text="Second answer.")

    page = admin_client.get(f"/admin/support/ticket/{ticket.pk}/change/").content.decode()

    assert (
        "Waiting to be sent to ana@example.com (1 attempt, last error: mail server refused); retried every minute."
        in page
    )
    sent_at = localtime(TicketReplyEmail.objects.get(reply__text="Second answer.").sent_at)
    assert f"Sent to ana@example.com at {sent_at:%Y-%m-%d %H:%M} (1 attempt)." in page


def test_the_sweep_is_scheduled_every_minute_after_migrate_and_staff_edits_stay():
    # given: no schedule yet
    PeriodicTask.objects.filter(name="Support reply emails: send pending").delete()
    ops = apps.get_app_config("ops")  # every schedule is kept by ops.schedules

    # when: migrate finishes
    post_migrate.send(sender=ops, app_config=ops, using="default", verbosity=0, interactive=False, plan=[])

    # then
    sweep = PeriodicTask.objects.get(name="Support reply emails: send pending")
    assert (sweep.task, sweep.interval.every, sweep.interval.period, sweep.enabled) == (
        "support.tasks.ticket_reply_emails_deliver_pending",
        1,
        "minutes",
        True,
    )

    # when: staff disable it and migrate runs again
    PeriodicTask.objects.filter(pk=sweep.pk).update(enabled=False)
    post_migrate.send(sender=ops, app_config=ops, using="default", verbosity=0, interactive=False, plan=[])

    # then: their choice stays
    assert PeriodicTask.objects.get(name="Support reply emails: send pending").enabled is False
