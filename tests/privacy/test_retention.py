"""Retention: after the configured periods, raw events are pseudonymised, chats and tickets
anonymised, abandoned guest carts, dormant address books and old audit entries removed; recent rows
are untouched, and staff can change the periods in the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from checkout.models import Cart
from events.models import Interaction
from ops.schedules import PRIVACY_RETENTION, schedules
from privacy.models import AccessLog, RetentionPolicy
from privacy.services import retention_apply
from support.models import Conversation, Message, Ticket
from tests.factories import CartFactory, UserFactory
from tests.privacy.conftest import EMAIL
from tests.support.factories import TicketFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LONG_AGO = NOW - timedelta(days=800)


def test_old_rows_are_aged_out_and_recent_ones_stay(jane):
    old_user = UserFactory(email="old@example.com")
    Interaction.objects.create(kind="view", user=old_user, session_key="s-old", created_at=LONG_AGO)
    Interaction.objects.create(kind="view", session_key="guest-old", created_at=LONG_AGO)
    old_ticket = TicketFactory(conversation__user=old_user)
    Message.objects.create(conversation=old_ticket.conversation, role="customer", text="my number is 0700")
    Conversation.objects.filter(pk=old_ticket.conversation_id).update(updated_at=LONG_AGO)
    old_cart, new_cart = CartFactory(), CartFactory()
    Cart.objects.filter(pk=old_cart.pk).update(updated_at=NOW - timedelta(days=31))
    AccessLog.objects.create(actor_label="a", action="reveal", target="x", reason="r")
    AccessLog.objects.filter().update(at=LONG_AGO)

    counts = retention_apply(now=NOW)

    assert counts["events.events_pseudonymised"] == 2
    assert counts["support.conversations_anonymised"] == 1
    assert counts["support.tickets_anonymised"] == 1
    assert counts["checkout.guest_carts_deleted"] == 1
    assert counts["privacy.audit_entries_deleted"] == 1
    assert not Interaction.objects.filter(user=old_user).exists()
    assert Interaction.objects.filter(user=jane).count() == 2  # hers are recent
    assert list(Cart.objects.filter(user__isnull=True)) == [new_cart]
    assert Ticket.objects.get(pk=old_ticket.pk).email == ""
    assert Ticket.objects.get(user=jane).email == EMAIL
    assert retention_apply(now=NOW)["events.events_pseudonymised"] == 0  # idempotent


def test_a_period_set_in_the_admin_wins_over_the_setting(jane, admin_client):
    Interaction.objects.update(created_at=NOW - timedelta(days=40))

    admin_client.post("/admin/privacy/retentionpolicy/add/", {"events_days": "30"})

    assert RetentionPolicy.objects.get().days("events") == 30
    assert RetentionPolicy.objects.get().days("support") == 730  # empty: from PRIVACY_RETENTION_DAYS
    assert retention_apply(now=NOW)["events.events_pseudonymised"] == 2


def test_dormant_customers_address_books_go(jane):
    type(jane).objects.filter(pk=jane.pk).update(last_login=NOW - timedelta(days=4 * 365))

    assert retention_apply(now=NOW)["accounts.dormant_addresses_deleted"] == 1


def test_the_run_is_scheduled_nightly():
    schedule = next(s for s in schedules() if s.name == PRIVACY_RETENTION)

    assert (schedule.task, schedule.at) == ("privacy.tasks.retention_apply", (3, 15))
