"""The admin's home page is the store dashboard: each widget shown by permission, cached for a minute."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard import selectors, widgets
from orders.models import Order
from support.models import Conversation, Ticket
from tests.factories import ModelVersionFactory, OrderFactory, OrderLineFactory, TrainingRunFactory, VariantFactory

pytestmark = pytest.mark.django_db


def attention_labels(response) -> list[str]:
    return [item["label"] for item in response.context["dashboard"]["attention"]]


def test_a_store_manager_sees_sales_attention_models_and_reports(admin_client):
    OrderLineFactory(order=OrderFactory(total=Decimal("30.00")), quantity=3, unit_price=Decimal("10.00"))

    response = admin_client.get("/admin/")

    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("How the store is doing", "Needs attention", "Model health", "Reports and charts"):
        assert heading in page
    revenue = response.context["dashboard"]["sales"]["rows"][0]
    assert (revenue["name"], revenue["cells"][0]["value"]) == ("revenue", Decimal("30.00"))
    assert "€30.00" in page
    assert '<a href="/admin/reports/sales/">' in page


def test_fulfilment_sees_the_orders_to_ship_and_nothing_of_support(client, staff_with):
    OrderFactory(status=Order.Status.PAID)
    client.force_login(staff_with("orders.change_order", "orders.view_order"))

    response = client.get("/admin/")

    assert attention_labels(response)[0] == "Orders to ship"
    assert "Open support tickets" not in attention_labels(response)
    assert response.context["dashboard"]["attention"][0]["count"] == 1
    assert response.context["dashboard"]["attention"][0]["url"] == "/admin/orders/order/?status__exact=paid"
    assert response.context["dashboard"]["models"] is None


def test_support_sees_the_open_tickets_and_how_long_the_oldest_waits_but_no_sales(client, staff_with):
    Ticket.objects.create(conversation=Conversation.objects.create(), reason="Where is my parcel?", transcript="-")
    client.force_login(staff_with("support.view_ticket", username="agent"))

    response = client.get("/admin/")

    assert attention_labels(response) == ["Open support tickets"]
    assert response.context["dashboard"]["attention"][0]["count"] == 1
    assert response.context["dashboard"]["sales"] is None
    assert "oldest waiting" in response.content.decode()


def test_widgets_follow_permissions_not_group_names(client, staff_with):
    user = staff_with(username="renamed")
    group = Group.objects.create(name="Packing team")
    group.permissions.add(*staff_with("orders.change_order", username="template").user_permissions.all())
    user.groups.add(group)
    client.force_login(user)

    assert "Orders to ship" in attention_labels(client.get("/admin/"))


def test_staff_without_permissions_see_no_widgets(client, staff_with):
    client.force_login(staff_with())

    response = client.get("/admin/")

    assert response.status_code == 200
    assert response.context["dashboard"] == {"sales": None, "attention": [], "models": None}
    assert "How the store is doing" not in response.content.decode()


def test_orders_on_hold_show_only_when_the_order_workflow_has_that_status(admin_client, monkeypatch):
    monkeypatch.setattr(widgets.orders_selectors, "order_status_exists", lambda status: False)
    assert "Orders on hold" not in attention_labels(admin_client.get("/admin/"))

    monkeypatch.setattr(widgets.orders_selectors, "order_status_exists", lambda status: True)
    assert "Orders on hold" in attention_labels(admin_client.get("/admin/"))


def test_each_widget_is_computed_at_most_once_a_minute(admin_client):
    admin_client.get("/admin/")
    OrderFactory(status=Order.Status.PAID)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get("/admin/")

    assert response.context["dashboard"]["attention"][0]["count"] == 0  # the cached figure, still under a minute old
    assert not any("orders_order" in query["sql"] for query in queries.captured_queries)


def test_low_stock_counts_active_variants_at_or_under_the_threshold(settings):
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    for stock in (0, 1, 5, 6):
        VariantFactory(stock_quantity=stock)
    VariantFactory(stock_quantity=2, is_active=False)

    item = selectors.low_stock()

    assert (item["count"], item["detail"]) == (2, "1 sold out")
    assert item["url"] == "/admin/shop/variant/?stock=low&is_active__exact=1"


def test_model_health_compares_the_champion_with_its_baseline():
    version = ModelVersionFactory(
        run__registered_model__name="popularity",
        main_metric="recall_at_10",
        metrics={"recall_at_10": 0.3, "baseline_recall_at_10": 0.2},
    )
    version.registered_model.aliases.create(name="champion", version=version)
    failed = TrainingRunFactory(registered_model=version.registered_model, status="failed")
    ModelVersionFactory(
        run__registered_model__name="sentiment",
        main_metric="macro_f1",
        metrics={"macro_f1": 0.5, "baseline_tfidf_macro_f1": 0.6},
    )

    rows = {row["model"].name: row for row in selectors.model_health()}

    popularity = rows["popularity"]
    assert (popularity["champion"], popularity["value"], popularity["baseline"]) == (version, 0.3, 0.2)
    assert popularity["beats_baseline"] is True
    assert popularity["last_run"] == failed
    assert (rows["sentiment"]["champion"], rows["sentiment"]["beats_baseline"]) == (None, None)
