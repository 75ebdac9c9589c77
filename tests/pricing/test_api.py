"""Staff pricing API: suggestions, approvals, history; the public catalog shows the current price only."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from pricing import services
from pricing.models import PriceSuggestion, PricingRun
from shop.models import Variant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


@pytest.fixture
def suggestions(store):
    services.pricing_run_execute(trigger=PricingRun.Trigger.API)
    return list(PriceSuggestion.objects.order_by("variant__sku"))


def test_staff_list_and_read_suggestions(api, suggestions):
    response = api.get("/api/v1/pricing/suggestions/", {"status": "pending"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    first = next(r for r in body["results"] if r["sku"] == "MUG-0")
    assert (first["current_price"], first["suggested_price"], first["change_pct"]) == ("20.00", "22.00", 10.0)
    assert first["band"]["units_low"] <= first["expected_units"] <= first["band"]["units_high"]
    assert "price elasticity" in first["reason"]

    detail = api.get(f"/api/v1/pricing/suggestions/{first['id']}/").json()
    assert len(detail["curve"]["prices"]) == 25
    assert "group:season" in detail["contributions"]


def test_filters_are_validated(api, suggestions):
    response = api.get("/api/v1/pricing/suggestions/", {"status": "maybe"})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "status": ["Choose one of: pending, applied, rejected, superseded, unchanged."]
    }
    assert api.get("/api/v1/pricing/history/", {"variant": "x"}).status_code == 400
    assert api.get("/api/v1/pricing/suggestions/999999/").status_code == 404


def test_approve_applies_and_history_shows_who_and_which_model(api, suggestions, staff):
    first, second = suggestions[:2]
    services.price_suggestions_reject(suggestion_ids=[second.pk], rejected_by=staff)

    response = api.post("/api/v1/pricing/suggestions/approve/", {"ids": [first.pk, second.pk]}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "applied": [first.pk],
        "refused": {str(second.pk): f"Suggestion {second.pk} is rejected, not pending."},
    }
    assert Variant.objects.get(pk=first.variant_id).price == Decimal("22.00")
    history = api.get("/api/v1/pricing/history/", {"variant": first.variant_id}).json()
    [change] = history["results"]
    assert (
        change["old_price"],
        change["new_price"],
        change["approved_by"],
        change["model_label"],
        change["suggestion"],
    ) == (
        "20.00",
        "22.00",
        "anna",
        "demand baseline",
        first.pk,
    )


def test_approve_needs_ids(api):
    response = api.post("/api/v1/pricing/suggestions/approve/", {"ids": []}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"ids": ["Ensure this field has at least 1 elements."]}


def test_customers_cannot_use_the_pricing_api(suggestions):
    client = APIClient()
    client.force_authenticate(UserFactory())

    assert client.get("/api/v1/pricing/suggestions/").status_code == 403
    assert (
        client.post("/api/v1/pricing/suggestions/approve/", {"ids": [suggestions[0].pk]}, format="json").status_code
        == 403
    )
    assert PriceSuggestion.objects.filter(status="applied").count() == 0


def test_the_public_product_api_shows_the_current_price_only(suggestions):
    product = suggestions[0].variant.product

    body = APIClient().get(f"/api/v1/products/{product.slug}/").json()

    [variant] = body["variants"]
    assert (variant["price"], variant["compare_at_price"]) == ("20.00", None)
    text = str(body)
    assert "22.00" not in text
    assert "cost" not in text
    assert "suggest" not in text
