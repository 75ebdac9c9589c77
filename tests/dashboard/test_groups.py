"""The admin's models grouped by what staff do; an app nobody placed yet falls into "Other"."""

import pytest

from dashboard.groups import app_list_grouped, group_of

pytestmark = pytest.mark.django_db


def model(name: str) -> dict:
    return {"name": name, "object_name": name.replace(" ", "")}


def test_models_are_grouped_by_model_then_app_with_other_as_the_fallback():
    assert group_of(app_label="shop", model_name="product") == "Catalogue"
    assert group_of(app_label="shop", model_name="review") == "Customers"
    assert group_of(app_label="auth", model_name="group") == "Settings"
    assert group_of(app_label="inventory", model_name="stockmove") == "Other"


def test_the_app_list_becomes_groups_in_a_fixed_order_with_other_last():
    app_list = [
        {"app_label": "newapp", "models": [model("Widget")]},
        {"app_label": "support", "models": [model("Ticket")]},
        {"app_label": "shop", "models": [model("Variant"), model("Review"), model("Brand")]},
    ]

    groups = app_list_grouped(app_list, index_url="/admin/")

    assert [(g["name"], [m["name"] for m in g["models"]]) for g in groups] == [
        ("Catalogue", ["Brand", "Variant"]),
        ("Customers", ["Review"]),
        ("Support", ["Ticket"]),
        ("Other", ["Widget"]),
    ]
    assert groups[0]["app_url"] == "/admin/#group-catalogue"


def test_the_admin_index_and_sidebar_show_the_groups_and_an_app_page_its_own_models(admin_client):
    index = admin_client.get("/admin/")
    names = [group["name"] for group in index.context["app_list"]]
    assert names[:3] == ["Catalogue", "Orders", "Customers"]
    assert "Shop" not in names

    app_page = admin_client.get("/admin/shop/")
    assert [app["app_label"] for app in app_page.context["app_list"]] == ["shop"]
