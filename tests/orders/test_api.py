"""The orders API: a customer's own orders and cancel, staff fulfilment, permissions and bad input."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from orders.models import Order, OrderLine, OrderStatusChange
from payments.models import Refund
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def ana(api):
    user = UserFactory(username="ana")
    api.force_authenticate(user)
    return user


@pytest.fixture
def staff(api):
    user = UserFactory(username="warehouse", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_order", "change_order"]))
    api.force_authenticate(user)
    return user


def nothing_changed(order: Order) -> bool:
    fresh = Order.objects.get(pk=order.pk)
    return (
        (fresh.status, fresh.refunded_total, fresh.tracking_number) == (order.status, order.refunded_total, "")
        and not OrderStatusChange.objects.exists()
        and not Refund.objects.exists()
        and not OrderLine.objects.filter(refunded_quantity__gt=0).exists()
    )


# --- A customer's orders ------------------------------------------------------------------------


def test_customer_lists_their_own_orders_paginated(api, ana, make_order):
    mine = [make_order(user=ana, lines=(("10.00", n),)) for n in (1, 2, 3)]
    make_order()

    response = api.get("/api/v1/orders/", {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["next"] == "http://testserver/api/v1/orders/?page=2&page_size=2"
    assert body["results"][0] == {
        "number": mine[2].number,
        "status": "paid",
        "created_at": body["results"][0]["created_at"],
        "currency": "EUR",
        "total": "30.00",
        "refunded_total": "0.00",
        "item_count": 3,
    }
    assert [order["number"] for order in body["results"]] == [mine[2].number, mine[1].number]


def test_customer_gets_one_of_their_orders(api, ana, make_order):
    order = make_order(user=ana, shipping_address={"full_name": "Ana", "city": "Leeds"}, shipping="4.95")
    OrderStatusChange.objects.create(order=order, from_status="pending_payment", to_status="paid", note="internal")
    line = order.lines.get()

    response = api.get(f"/api/v1/orders/{order.number}/")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == order.number
    assert (body["status"], body["subtotal"], body["shipping"], body["total"]) == ("paid", "20.00", "4.95", "24.95")
    assert body["shipping_address"] == {"full_name": "Ana", "city": "Leeds"}
    assert body["can_cancel"] is True
    assert body["lines"] == [
        {
            "id": line.pk,
            "sku": line.sku,
            "product_name": line.product_name,
            "variant_name": "",
            "quantity": 2,
            "unit_price": "10.00",
            "line_total": "20.00",
            "refunded_quantity": 0,
        }
    ]
    assert [set(change) for change in body["status_history"]] == [{"from_status", "to_status", "created_at"}]


def test_another_customers_order_is_404_for_reading_and_cancelling(api, ana, make_order):
    order = make_order(user=UserFactory(username="bob"))

    for response in (
        api.get(f"/api/v1/orders/{order.number}/"),
        api.post(f"/api/v1/orders/{order.number}/cancel/"),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "order_not_found", "message": "No such order.", "details": {}}}
    assert nothing_changed(order)


def test_customer_cancels_an_order(api, ana, make_order, mailoutbox, django_capture_on_commit_callbacks):
    order = make_order(user=ana, stock=0)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/orders/{order.number}/cancel/", {"reason": "Too slow"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["refunded_total"], body["can_cancel"]) == ("cancelled", "20.00", False)
    assert order.lines.get().variant.stock_quantity == 2
    assert OrderStatusChange.objects.get().note == "Too slow"
    assert len(mailoutbox) == 1


def test_cancelling_a_shipped_order_is_a_409_conflict(api, ana, make_order):
    order = make_order(user=ana, status=Order.Status.SHIPPED)

    response = api.post(f"/api/v1/orders/{order.number}/cancel/")

    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "invalid_transition",
            "message": f"Order {order.number} is shipped and cannot be cancelled.",
            "details": {"status": "shipped", "to_status": "cancelled"},
        }
    }
    assert nothing_changed(order)


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"reason": "x" * 301}, {"reason": ["Ensure this field has no more than 300 characters."]}),
        ({"reason": ["a"]}, {"reason": ["Not a valid string."]}),
    ],
)
def test_bad_cancel_input_is_a_400_and_nothing_changes(api, ana, make_order, body, details):
    order = make_order(user=ana)

    response = api.post(f"/api/v1/orders/{order.number}/cancel/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == details
    assert nothing_changed(order)


def test_malformed_json_is_a_400(api, ana, make_order):
    order = make_order(user=ana)

    response = api.post(f"/api/v1/orders/{order.number}/cancel/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert nothing_changed(order)


def test_orders_need_a_signed_in_customer(api, make_order):
    order = make_order()

    assert api.get("/api/v1/orders/").status_code == 401
    assert api.post(f"/api/v1/orders/{order.number}/cancel/").status_code == 401
    assert nothing_changed(order)


def test_token_authentication_works(make_order):
    order = make_order()
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=order.user).key}")

    assert client.get(f"/api/v1/orders/{order.number}/").status_code == 200


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 101}, {"page": "x"}])
def test_bad_page_parameters_are_a_400(api, ana, params):
    response = api.get("/api/v1/orders/", params)

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == list(params)


# --- Staff --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_",
    [
        ("get", "/api/v1/staff/orders/"),
        ("get", "/api/v1/staff/orders/{number}/"),
        ("post", "/api/v1/staff/orders/{number}/ship/"),
        ("post", "/api/v1/staff/orders/{number}/deliver/"),
        ("post", "/api/v1/staff/orders/{number}/refund/"),
    ],
)
def test_staff_endpoints_are_403_for_customers_even_for_their_own_orders(api, ana, make_order, request_):
    method, url = request_
    order = make_order(user=ana, status=Order.Status.SHIPPED)

    response = getattr(api, method)(url.format(number=order.number), {"tracking_number": "1Z"}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPED


def test_staff_without_the_change_permission_can_read_but_not_act(api, make_order):
    reader = UserFactory(is_staff=True)
    api.force_authenticate(reader)
    order = make_order()

    assert api.get(f"/api/v1/staff/orders/{order.number}/").status_code == 200
    assert api.post(f"/api/v1/staff/orders/{order.number}/ship/", {"tracking_number": "1Z"}).status_code == 403
    assert nothing_changed(order)


def test_staff_list_filters_by_status_day_and_email(api, staff, make_order):
    paid = make_order(user=None, email="Ana@Example.com")
    shipped = make_order(user=None, email="bob@example.com", status=Order.Status.SHIPPED)

    def numbers(**params) -> list[str]:
        response = api.get("/api/v1/staff/orders/", params)
        assert response.status_code == 200
        return [order["number"] for order in response.json()["results"]]

    today = timezone.localdate().isoformat()
    assert numbers() == [shipped.number, paid.number]
    assert numbers(status="shipped") == [shipped.number]
    assert numbers(email="ana@example.COM") == [paid.number]
    assert numbers(created_from="2001-01-01", created_to="2001-12-31") == []
    assert numbers(created_from=today, created_to=today) == [shipped.number, paid.number]


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"status": "sent"}, ["status"]),
        ({"created_from": "yesterday"}, ["created_from"]),
        ({"created_from": "2026-05-02", "created_to": "2026-05-01"}, ["created_to"]),
        ({"email": "not-an-email"}, ["email"]),
    ],
)
def test_staff_list_bad_filters_are_a_400(api, staff, params, fields):
    response = api.get("/api/v1/staff/orders/", params)

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == fields


def test_staff_gets_any_order_with_the_full_history(api, staff, make_order):
    staff.user_permissions.add(Permission.objects.get(codename="view_contact"))  # else masked (tests/privacy)
    order = make_order()
    api.post(f"/api/v1/staff/orders/{order.number}/ship/", {"tracking_number": "1Z"}, format="json")

    body = api.get(f"/api/v1/staff/orders/{order.number}/").json()

    assert body["user"] == order.user.username
    assert body["status_history"] == [
        {
            "from_status": "paid",
            "to_status": "shipped",
            "created_at": body["status_history"][0]["created_at"],
            "changed_by": "warehouse",
            "note": "Tracking number 1Z",
        }
    ]


def test_staff_ships_then_delivers(api, staff, make_order, mailoutbox, django_capture_on_commit_callbacks):
    order = make_order()

    with django_capture_on_commit_callbacks(execute=True):
        shipped = api.post(f"/api/v1/staff/orders/{order.number}/ship/", {"tracking_number": "1Z9"}, format="json")
    delivered = api.post(f"/api/v1/staff/orders/{order.number}/deliver/")

    assert shipped.status_code == 200
    assert (shipped.json()["status"], shipped.json()["tracking_number"]) == ("shipped", "1Z9")
    assert delivered.status_code == 200
    assert delivered.json()["status"] == "delivered"
    assert [email.subject for email in mailoutbox] == [f"Your order {order.number} is on its way"]


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({}, {"tracking_number": ["This field is required."]}),
        ({"tracking_number": ""}, {"tracking_number": ["This field may not be blank."]}),
        ({"tracking_number": "x" * 101}, {"tracking_number": ["Ensure this field has no more than 100 characters."]}),
        ({"tracking_number": {"a": 1}}, {"tracking_number": ["Not a valid string."]}),
    ],
)
def test_ship_with_bad_input_is_a_400_and_nothing_changes(api, staff, make_order, body, details):
    order = make_order()

    response = api.post(f"/api/v1/staff/orders/{order.number}/ship/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == details
    assert nothing_changed(order)


def test_illegal_staff_moves_are_409(api, staff, make_order):
    cancelled, paid = make_order(status=Order.Status.CANCELLED), make_order()

    ship = api.post(f"/api/v1/staff/orders/{cancelled.number}/ship/", {"tracking_number": "1Z"}, format="json")
    deliver = api.post(f"/api/v1/staff/orders/{paid.number}/deliver/")
    refund = api.post(f"/api/v1/staff/orders/{cancelled.number}/refund/", {}, format="json")

    assert [r.status_code for r in (ship, deliver, refund)] == [409, 409, 409]
    assert {r.json()["error"]["code"] for r in (ship, deliver, refund)} == {"invalid_transition"}
    assert nothing_changed(cancelled)
    assert nothing_changed(paid)


def test_unknown_order_is_404_for_staff(api, staff):
    response = api.post("/api/v1/staff/orders/SF-1999-000001/deliver/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "order_not_found"


def test_staff_refunds_some_lines_then_the_rest(api, staff, make_order):
    order = make_order(lines=(("10.00", 2), ("5.50", 1)), shipping="4.95", status=Order.Status.DELIVERED)
    first, _second = order.lines.order_by("id")

    partial = api.post(
        f"/api/v1/staff/orders/{order.number}/refund/",
        {"lines": [{"line_id": first.pk, "quantity": 1}], "reason": "Damaged"},
        format="json",
    )
    full = api.post(f"/api/v1/staff/orders/{order.number}/refund/", {}, format="json")

    assert partial.status_code == 200
    assert (partial.json()["status"], partial.json()["refunded_total"]) == ("partially_refunded", "10.00")
    assert [line["refunded_quantity"] for line in partial.json()["lines"]] == [1, 0]
    assert full.status_code == 200
    assert (full.json()["status"], full.json()["refunded_total"]) == ("refunded", "30.45")
    assert sorted(refund.amount for refund in Refund.objects.all()) == [Decimal("10.00"), Decimal("20.45")]


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"lines": []}, {"lines": {"non_field_errors": ["This list may not be empty."]}}),
        ({"lines": "all"}, {"lines": {"non_field_errors": ['Expected a list of items but got type "str".']}}),
        ({"lines": [{"line_id": 1}]}, {"lines": {"0": {"quantity": ["This field is required."]}}}),
        (
            {"lines": [{"line_id": "LINE", "quantity": 0}]},
            {
                "lines": {
                    "0": {
                        "line_id": ["A valid integer is required."],
                        "quantity": ["Ensure this value is greater than or equal to 1."],
                    }
                }
            },
        ),
        (
            {"lines": [{"line_id": 1, "quantity": 10**9}]},
            {"lines": {"0": {"quantity": ["Ensure this value is less than or equal to 100000."]}}},
        ),
        (
            {"lines": [{"line_id": 999999, "quantity": 1}]},
            {"lines": {"999999": ["This line is not part of the order."]}},
        ),
        ({"reason": "x" * 301}, {"reason": ["Ensure this field has no more than 300 characters."]}),
        ({"restock": "maybe"}, {"restock": ["Must be a valid boolean."]}),
    ],
)
def test_refund_with_bad_input_is_a_400_and_nothing_changes(api, staff, make_order, body, details):
    order = make_order(status=Order.Status.DELIVERED)

    response = api.post(f"/api/v1/staff/orders/{order.number}/refund/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == details
    assert nothing_changed(order)


def test_refund_listing_a_line_twice_is_a_400(api, staff, make_order):
    order = make_order(status=Order.Status.DELIVERED)
    line = order.lines.get()

    response = api.post(
        f"/api/v1/staff/orders/{order.number}/refund/",
        {"lines": [{"line_id": line.pk, "quantity": 1}, {"line_id": line.pk, "quantity": 1}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"lines": [f"Line {line.pk} is listed twice."]}
    assert nothing_changed(order)
