"""Complete erasure: after a customer closes their account nothing of theirs remains outside the
anonymised order, and aggregates over events keep working."""

import pytest
from django.contrib.auth.models import Group
from django.db.models import Q

from accounts import services
from events.models import Interaction
from orders.models import Order
from privacy import registry
from privacy.models import AccessLog
from support.models import Ticket
from tests.factories import UserFactory
from tests.privacy.conftest import ADDRESS, EMAIL, FIRST, LAST, PHONE

pytestmark = pytest.mark.django_db

TRACES = [EMAIL, FIRST, LAST, PHONE, ADDRESS["line1"], ADDRESS["city"], ADDRESS["postal_code"], "jane-session"]


def _traces_left() -> list[str]:
    """Every registered field of every row that still holds one of Jane's values."""
    found = []
    for item in registry.fields_all():
        model = item.model_class
        for trace in TRACES:
            lookup = f"{item.field}__icontains"
            field = model._meta.get_field(item.field)
            if field.get_internal_type() == "JSONField":
                rows = model.objects.extra(where=[f"{field.column}::text ILIKE %s"], params=[f"%{trace}%"])
            elif field.get_internal_type() == "GenericIPAddressField":
                continue
            else:
                rows = model.objects.filter(Q(**{lookup: trace}))
            found += [f"{item.model}.{item.field}={trace!r} (row {pk})" for pk in rows.values_list("pk", flat=True)]
    return found


def test_a_customer_who_used_every_feature_leaves_no_trace_in_any_registered_field(jane):
    assert len(_traces_left()) > 10  # the scan sees her data before

    counts = services.user_delete(user=jane)

    assert _traces_left() == []
    assert counts["support.messages"] == 1
    assert counts["events.events_rekeyed"] == 2
    assert counts["recommendations.recommendation_events_rekeyed"] == 1


def test_the_order_stays_for_the_books_with_only_the_country_of_its_addresses(jane):
    services.user_delete(user=jane)

    order = Order.objects.get()
    assert (order.email, order.shipping_address, order.billing_address, order.lines.count()) == (
        f"deleted-{jane.pk}@invalid",
        {"country": "GB", "country_name": "United Kingdom"},
        {"country": "GB", "country_name": "United Kingdom"},
        1,
    )


def test_her_events_keep_counting_under_one_pseudonymous_key(jane):
    services.user_delete(user=jane)

    events = Interaction.objects.all()
    assert events.count() == 2
    assert {(e.user_id, e.session_key[:2]) for e in events} == {(None, "p:")}
    assert len({e.session_key for e in events}) == 1


def test_the_ticket_email_that_survived_before_is_gone_and_the_erasure_is_audited(jane):
    services.user_delete(user=jane, reason="Asked by e-mail on 3 Dec")

    assert list(Ticket.objects.values_list("email", "user")) == [("", None)]
    entry = AccessLog.objects.get()
    assert (entry.action, entry.subject_id, entry.actor_id, entry.reason) == (
        "erasure",
        jane.pk,
        jane.pk,
        "Asked by e-mail on 3 Dec",
    )


def test_staff_close_an_account_on_an_emailed_request_only_with_the_permission(client, jane):
    manager = UserFactory(username="manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Store manager"))
    administrator = UserFactory(username="administrator", is_staff=True)
    administrator.groups.add(Group.objects.get(name="Administrator"))
    action = {"action": "erase_data", "_selected_action": [jane.pk]}

    client.force_login(manager)
    client.post("/admin/auth/user/", action)
    assert type(jane).objects.get(pk=jane.pk).is_active  # a store manager has no such action

    client.force_login(administrator)
    client.post("/admin/auth/user/", action)
    assert _traces_left() == []
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.subject_id, entry.reason) == (
        administrator,
        jane.pk,
        "Requested by the customer by e-mail",
    )
