"""Masking by role: each staff role sees the personal data its work needs, and no more; a support
agent reveals their ticket's customer, and that is in the access audit."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from privacy.models import AccessLog
from privacy.services import ROLES
from support.models import Ticket
from tests.factories import UserFactory
from tests.privacy.conftest import ADDRESS, EMAIL

pytestmark = pytest.mark.django_db

MASKED_EMAIL = "j•••@e•••.org"


def staff(role: str) -> Client:
    user = UserFactory(username=role.lower().replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_role_is_a_seeded_group_with_permissions():
    groups = {group.name: group.permissions.count() for group in Group.objects.filter(name__in=ROLES)}

    assert set(groups) == set(ROLES)
    assert all(count > 0 for count in groups.values())


def test_a_support_agent_sees_tickets_masked_and_cannot_search_them_by_email(jane):
    agent = staff("Support agent")

    listing = _page(agent, "/admin/support/ticket/")
    searched = _page(agent, f"/admin/support/ticket/?q={EMAIL}")

    assert MASKED_EMAIL in listing
    assert EMAIL not in listing
    assert "0 results (" in searched  # the e-mail is not searched: no ticket is found by it


def test_a_support_agent_reveals_their_tickets_customer_with_a_reason_and_it_is_audited(jane):
    agent = staff("Support agent")
    ticket = Ticket.objects.get()
    change = f"/admin/support/ticket/{ticket.pk}/change/"

    before = _page(agent, change)
    refused = agent.post(f"/admin/support/ticket/{ticket.pk}/reveal/", {"reason": " "})
    agent.post(f"/admin/support/ticket/{ticket.pk}/reveal/", {"reason": "Customer asks where parcel is"})
    after = _page(agent, change)

    assert EMAIL not in before
    assert "Reveal the customer" in before
    assert refused.status_code == 200  # the form again: a reason is required
    assert EMAIL in after
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.action, entry.subject_id, entry.target, entry.reason) == (
        agent.user,
        "reveal",
        jane.pk,
        f"support.Ticket {ticket.pk}",
        "Customer asks where parcel is",
    )
    assert EMAIL not in _page(agent, "/admin/support/ticket/")  # the list stays masked
    assert EMAIL not in _page(agent, f"/admin/support/conversation/{ticket.conversation_id}/change/")


def test_fulfilment_sees_the_shipping_address_of_orders_but_not_the_email_or_billing_address(jane):
    order = jane.orders.get()
    page = _page(staff("Fulfilment"), f"/admin/orders/order/{order.pk}/change/")

    assert ADDRESS["line1"] in page.split("Billing address")[0]
    assert EMAIL not in page
    assert page.count(ADDRESS["line1"]) == 1
    assert "GB •••" in page


def test_marketing_sees_no_orders_and_no_customers(jane):
    marketing = staff("Marketing")

    assert marketing.get("/admin/orders/order/").status_code == 403
    assert marketing.get("/admin/auth/user/").status_code == 403


def test_a_store_manager_sees_contacts_and_addresses_but_not_the_audit(jane):
    manager = staff("Store manager")

    assert EMAIL in _page(manager, "/admin/orders/order/")
    assert EMAIL in _page(manager, "/admin/support/ticket/")
    assert manager.get("/admin/privacy/accesslog/").status_code == 403


def test_an_administrator_reads_the_audit_but_cannot_change_it(jane):
    admin = staff("Administrator")
    AccessLog.objects.create(actor_label="someone", action="reveal", subject_id=jane.pk, target="x", reason="why")

    assert "why" in _page(admin, "/admin/privacy/accesslog/")
    entry = AccessLog.objects.get()
    assert admin.post(f"/admin/privacy/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.count() == 1


def test_the_staff_api_masks_the_order_for_fulfilment_except_the_shipping_address(jane):
    order = jane.orders.get()
    api = APIClient()
    api.force_authenticate(staff("Fulfilment").user)

    body = api.get(f"/api/v1/staff/orders/{order.number}/").json()

    assert (body["email"], body["user"]) == (MASKED_EMAIL, MASKED_EMAIL)
    assert body["shipping_address"]["line1"] == ADDRESS["line1"]
    assert body["billing_address"]["line1"] == "7•••"
    assert body["billing_address"]["country"] == "GB"


def test_the_staff_api_shows_the_order_to_a_store_manager(jane):
    order = jane.orders.get()
    api = APIClient()
    api.force_authenticate(staff("Store manager").user)

    body = api.get(f"/api/v1/staff/orders/{order.number}/").json()

    assert (body["email"], body["billing_address"]["line1"]) == (EMAIL, ADDRESS["line1"])
