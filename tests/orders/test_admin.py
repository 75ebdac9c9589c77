"""The order admin: list filters and search, the read-only detail, and actions that call the services."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order, OrderStatusChange
from payments.models import Refund
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:orders_order_changelist")


def change_url(order: Order) -> str:
    return reverse("admin:orders_order_change", args=[order.pk])


def refund_lines_url(order: Order) -> str:
    return reverse("admin:orders_order_refund_lines", args=[order.pk])


def listed(response) -> list[str]:
    return sorted(order.number for order in response.context["cl"].result_list)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def act(admin_client, action: str, *orders: Order, **extra):
    return admin_client.post(
        ORDERS, {"action": action, ACTION_CHECKBOX_NAME: [order.pk for order in orders], **extra}, follow=True
    )


def ship_form(*pairs: tuple[Order, str]) -> dict:
    """What the ship action's intermediate page posts: one tracking number per order."""
    data = {"apply": "1", "form-TOTAL_FORMS": len(pairs), "form-INITIAL_FORMS": len(pairs)}
    for n, (order, tracking) in enumerate(pairs):
        data |= {f"form-{n}-order": order.pk, f"form-{n}-tracking_number": tracking}
    return data


# --- List and detail ----------------------------------------------------------------------------


def test_changelist_queries_do_not_grow_with_the_number_of_orders(admin_client, make_order):
    for _ in range(3):
        make_order()
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(ORDERS).status_code == 200
    for _ in range(20):
        make_order()
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(ORDERS)

    assert len(response.context["cl"].result_list) == 23
    assert len(many) == len(few)
    assert len(many) <= 8


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status__exact": "shipped"}, ["SF-B"]),
        ({"total": "0-50"}, ["SF-A", "SF-B"]),
        ({"total": "50-100"}, ["SF-C"]),
        ({"total": "500-"}, []),
        ({"q": "sf-c"}, ["SF-C"]),
        ({"q": "bob@"}, ["SF-B"]),
    ],
)
def test_changelist_filters_by_status_and_amount_and_searches_number_and_email(
    admin_client, make_order, params, expected
):
    make_order(number="SF-A", lines=(("10.00", 1),), email="ana@example.com")
    make_order(number="SF-B", lines=(("49.99", 1),), email="bob@example.com", status=Order.Status.SHIPPED)
    make_order(number="SF-C", lines=(("50.00", 1),), email="cy@example.com")

    response = admin_client.get(ORDERS, params)

    assert response.status_code == 200
    assert listed(response) == expected


def test_changelist_has_date_filters_and_no_add_button(admin_client, make_order):
    make_order()

    response = admin_client.get(ORDERS)

    html = response.content.decode()
    assert "created_at__gte" in html  # the "placed" date filter
    assert response.context["cl"].date_hierarchy == "created_at"
    assert reverse("admin:orders_order_add") not in html
    assert admin_client.get(reverse("admin:orders_order_add")).status_code == 403


def test_detail_shows_lines_payments_and_history_read_only_with_bounded_queries(admin_client, make_order):
    order = make_order(lines=(("10.00", 2), ("5.00", 1), ("1.00", 3)))
    staff = UserFactory(username="warehouse", is_staff=True)
    act(admin_client, "ship", order, **ship_form((order, "1Z")))
    OrderStatusChange.objects.update(changed_by=staff)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(change_url(order))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Refund lines" in html
    assert refund_lines_url(order) in html
    assert "visa •••• 4242" in html
    assert "Tracking number 1Z" in html
    assert "warehouse" in html
    assert html.count('name="_save"') == 0  # read-only: nothing to save
    assert len(queries) <= 16
    assert admin_client.post(reverse("admin:orders_order_delete", args=[order.pk])).status_code == 403


# --- Actions ------------------------------------------------------------------------------------


def test_mark_paid_action(admin_client, admin_user, make_order):
    order = make_order(status=Order.Status.PENDING_PAYMENT, paid=False)

    response = act(admin_client, "mark_paid", order)

    assert messages_of(response) == [f"Marked paid: {order.number}."]
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    change = OrderStatusChange.objects.get()
    assert (change.changed_by, change.note) == (admin_user, "Marked paid in admin")


def test_ship_action_asks_for_a_tracking_number_per_order_then_ships(
    admin_client, make_order, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = make_order(), make_order()

    # when: the action is chosen, an intermediate page asks for the tracking numbers
    page = act(admin_client, "ship", first, second)
    assert page.status_code == 200
    assert [order for _form, order in page.context["rows"]] == sorted([first, second], key=lambda o: o.pk)
    assert Order.objects.filter(status=Order.Status.SHIPPED).count() == 0

    # and its submit ships each with its own number
    with django_capture_on_commit_callbacks(execute=True):
        response = act(admin_client, "ship", first, second, **ship_form((first, "TRACK-0"), (second, "TRACK-1")))

    assert messages_of(response) == [f"Shipped: {first.number}, {second.number}."]
    assert sorted(Order.objects.values_list("status", "tracking_number")) == [
        ("shipped", "TRACK-0"),
        ("shipped", "TRACK-1"),
    ]
    assert len(mailoutbox) == 2


def test_ship_action_shows_missing_tracking_numbers_as_form_errors(admin_client, make_order):
    order = make_order()

    response = act(admin_client, "ship", order, **ship_form((order, "")))

    assert response.status_code == 200
    assert response.context["formset"].errors == [{"tracking_number": ["This field is required."]}]
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_action_refusals_are_messages_per_order_never_errors(admin_client, make_order):
    shippable, cancelled = make_order(), make_order(status=Order.Status.CANCELLED)
    response = act(admin_client, "ship", shippable, cancelled, **ship_form((shippable, "1Z"), (cancelled, "1Z")))

    assert response.status_code == 200
    assert messages_of(response) == [
        f"{cancelled.number}: Order {cancelled.number} is cancelled and cannot be shipped.",
        f"Shipped: {shippable.number}.",
    ]
    assert Order.objects.get(pk=cancelled.pk).status == Order.Status.CANCELLED


def test_mark_delivered_action(admin_client, make_order):
    shipped, paid = make_order(status=Order.Status.SHIPPED), make_order()

    response = act(admin_client, "mark_delivered", shipped, paid)

    assert messages_of(response) == [
        f"{paid.number}: Order {paid.number} is paid and cannot be marked delivered.",
        f"Delivered: {shipped.number}.",
    ]
    assert Order.objects.get(pk=shipped.pk).status == Order.Status.DELIVERED


def test_cancel_action_restocks_and_refunds(admin_client, admin_user, make_order):
    order = make_order(stock=0)

    response = act(admin_client, "cancel", order)

    assert messages_of(response) == [f"Cancelled: {order.number}."]
    assert order.lines.get().variant.stock_quantity == 2
    refund = Refund.objects.get()
    assert (refund.amount, refund.created_by, refund.reason) == (order.total, admin_user, "Cancelled by staff")


def test_refund_in_full_action(admin_client, make_order):
    order = make_order(status=Order.Status.DELIVERED, shipping="4.95")

    response = act(admin_client, "refund_in_full", order)

    assert messages_of(response) == [f"Refunded: {order.number}."]
    order.refresh_from_db()
    assert (order.status, order.refunded_total) == (Order.Status.REFUNDED, Decimal("24.95"))


def test_refund_lines_page_refunds_chosen_quantities(admin_client, admin_user, make_order):
    order = make_order(lines=(("10.00", 2), ("5.50", 1)), status=Order.Status.DELIVERED, stock=0)
    first, second = order.lines.order_by("id")

    page = admin_client.get(refund_lines_url(order))
    assert page.status_code == 200
    response = admin_client.post(
        refund_lines_url(order),
        {f"line_{first.pk}": 1, f"line_{second.pk}": 0, "reason": "Scratched", "restock": "on"},
        follow=True,
    )

    assert response.redirect_chain == [(change_url(order), 302)]
    assert messages_of(response) == [f"Refunded some lines of {order.number}."]
    order.refresh_from_db()
    assert (order.status, order.refunded_total) == (Order.Status.PARTIALLY_REFUNDED, Decimal("10.00"))
    first.refresh_from_db()
    assert (first.refunded_quantity, first.variant.stock_quantity) == (1, 1)
    assert (Refund.objects.get().reason, Refund.objects.get().created_by) == ("Scratched", admin_user)


@pytest.mark.parametrize(
    ("quantities", "error"),
    [
        ((0, 0), "Enter a quantity to refund for at least one line."),
        ((3, 0), "Ensure this value is less than or equal to 2."),
        ((-1, 0), "Ensure this value is greater than or equal to 0."),
        (("x", 0), "Enter a whole number."),
    ],
)
def test_refund_lines_page_rejects_bad_quantities(admin_client, make_order, quantities, error):
    order = make_order(lines=(("10.00", 2), ("5.50", 1)), status=Order.Status.DELIVERED)
    lines = list(order.lines.order_by("id"))

    response = admin_client.post(
        refund_lines_url(order), {f"line_{line.pk}": q for line, q in zip(lines, quantities, strict=True)}
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED
    assert not Refund.objects.exists()


def test_refund_lines_page_shows_service_refusals_as_messages(admin_client, make_order):
    order = make_order(status=Order.Status.DELIVERED, paid=False)
    (line,) = order.lines.all()

    response = admin_client.post(refund_lines_url(order), {f"line_{line.pk}": 1})

    assert response.status_code == 200
    assert [m for m in messages_of(response) if "captured payments left to refund" in m]
    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED


def test_staff_without_the_change_permission_can_look_but_not_act(client, make_order):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(viewer)
    order = make_order()

    assert client.get(ORDERS).status_code == 200
    assert client.get(change_url(order)).status_code == 200
    assert client.get(refund_lines_url(order)).status_code == 403
    response = client.post(ORDERS, {"action": "cancel", ACTION_CHECKBOX_NAME: [order.pk]})
    assert response.status_code == 200  # Django admin: "No action selected."
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_customers_cannot_open_the_order_admin(client, make_order):
    client.force_login(UserFactory())

    assert client.get(ORDERS).status_code == 302
