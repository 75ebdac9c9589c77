"""The read API under /api/v1/: exact content, parity with the search selector, errors and query counts."""

import io
from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from PIL import Image
from rest_framework.test import APIClient

from shop import selectors, services
from shop.filters import ProductSearchForm
from shop.models import Attribute, ProductAttributeValue, Review
from tests.factories import (
    AttributeFactory,
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    ReviewFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


@pytest.fixture
def api():
    return APIClient()


def png(width: int = 40, height: int = 30) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def catalog() -> dict:
    """Two root categories, one subcategory, two brands, three active products and an inactive one."""
    sport = CategoryFactory(name="Sport", slug="sport", description="Gear for every season.")
    running = CategoryFactory(name="Running", slug="running", parent=sport)
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    fleetfoot = BrandFactory(name="Fleetfoot", slug="fleetfoot")
    acme = BrandFactory(name="Acme", slug="acme")
    trail = ProductFactory(name="Trail Runner", slug="trail-runner", category=running, brand=fleetfoot, popularity=50)
    VariantFactory(
        product=trail,
        sku="TR-42",
        name="EU 42",
        option_values={"size": "42"},
        price=Decimal("89.90"),
        compare_at_price=Decimal("109.00"),
        stock_quantity=3,
        position=0,
    )
    VariantFactory(product=trail, sku="TR-43", name="EU 43", price=Decimal("99.90"), stock_quantity=0, position=1)
    VariantFactory(product=trail, sku="TR-44", price=Decimal("79.00"), is_active=False, position=2)
    road = ProductFactory(name="Road Runner", slug="road-runner", category=running, brand=acme, popularity=30)
    VariantFactory(product=road, sku="RR-1", price=Decimal("49.50"), stock_quantity=10)
    knife = ProductFactory(name="Chef Knife", slug="chef-knife", category=kitchen, brand=acme, popularity=10)
    VariantFactory(product=knife, sku="CK-1", price=Decimal("25.00"), stock_quantity=0)
    old = ProductFactory(name="Old Shoe", slug="old-shoe", category=running, brand=fleetfoot, is_active=False)
    VariantFactory(product=old, sku="OS-1", price=Decimal("10.00"))
    services.product_denormalised_refresh()
    ReviewFactory(
        product=trail,
        user=None,
        author_name="Ana",
        rating=5,
        title="Great grip",
        body="Held on wet rocks.",
        helpful_count=4,
        created_at=datetime(2026, 5, 2, 9, 30, tzinfo=UTC),
    )
    ReviewFactory(
        product=trail, user=None, author_name="Ben", rating=4, title="Good", created_at=datetime(2026, 5, 1, tzinfo=UTC)
    )
    ReviewFactory(
        product=trail,
        user=None,
        author_name="Cy",
        rating=1,
        status=Review.Status.HIDDEN,
        created_at=datetime(2026, 5, 3, tzinfo=UTC),
    )
    services.product_rating_refresh()
    services.search_terms_refresh()
    return {"sport": sport, "running": running, "kitchen": kitchen, "trail": trail, "road": road, "knife": knife}


def counted(api, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, params)
    return response, len(queries)


def error(response) -> dict:
    return response.json()["error"]


# --- Categories --------------------------------------------------------------------------------


def test_category_list_is_the_whole_tree_depth_first_with_subtree_product_counts(api):
    # given
    made = catalog()

    # when
    response = api.get("/api/v1/categories/")

    # then
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": made["kitchen"].id,
            "slug": "kitchen",
            "name": "Kitchen",
            "path": "kitchen",
            "parent": None,
            "product_count": 1,
            "url": f"{HOST}/c/kitchen/",
        },
        {
            "id": made["sport"].id,
            "slug": "sport",
            "name": "Sport",
            "path": "sport",
            "parent": None,
            "product_count": 2,
            "url": f"{HOST}/c/sport/",
        },
        {
            "id": made["running"].id,
            "slug": "running",
            "name": "Running",
            "path": "sport/running",
            "parent": "sport",
            "product_count": 2,
            "url": f"{HOST}/c/running/",
        },
    ]


def test_category_detail_has_description_and_counted_children(api):
    # given
    made = catalog()

    # when
    response = api.get("/api/v1/categories/sport/")

    # then
    assert response.status_code == 200
    assert response.json() == {
        "id": made["sport"].id,
        "slug": "sport",
        "name": "Sport",
        "path": "sport",
        "parent": None,
        "product_count": 2,
        "url": f"{HOST}/c/sport/",
        "description": "Gear for every season.",
        "children": [
            {
                "id": made["running"].id,
                "slug": "running",
                "name": "Running",
                "path": "sport/running",
                "parent": "sport",
                "product_count": 2,
                "url": f"{HOST}/c/running/",
            }
        ],
    }


@pytest.mark.parametrize("slug", ["nope", "x" * 300])
def test_unknown_category_is_a_404_in_the_error_shape(api, slug):
    # given
    catalog()

    # when
    response = api.get(f"/api/v1/categories/{slug}/")

    # then
    assert response.status_code == 404
    assert error(response) == {"code": "category_not_found", "message": "No such category.", "details": {}}


# --- Product list ------------------------------------------------------------------------------


def test_product_list_shows_cards_by_popularity_with_facets(api):
    # given
    made = catalog()
    services.product_image_add(product=made["trail"], image_file=png())
    trail = made["trail"]

    # when
    response = api.get("/api/v1/products/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert [p["slug"] for p in body["results"]] == ["trail-runner", "road-runner", "chef-knife"]
    assert body["results"][0] == {
        "id": trail.id,
        "slug": "trail-runner",
        "name": "Trail Runner",
        "brand": {"slug": "fleetfoot", "name": "Fleetfoot"},
        "category": {"slug": "running", "name": "Running", "path": "sport/running"},
        "min_price": "89.90",
        "currency": settings.SHOP_CURRENCY,
        "in_stock": True,
        "rating_avg": "4.50",
        "rating_count": 2,
        "url": f"{HOST}/p/trail-runner/",
        "compare_at_price": "109.00",
        "thumbnail": f"{HOST}/media/products/thumbs/{trail.id}-0-320.jpg",
        "default_variant": trail.variants.get(sku="TR-42").id,
    }
    assert body["results"][2]["in_stock"] is False
    assert body["results"][2]["thumbnail"] is None
    assert body["results"][2]["compare_at_price"] is None
    assert {k: v for k, v in body.items() if k not in ("results", "facets")} == {
        "count": 3,
        "next": None,
        "previous": None,
        "query_used": "",
        "corrected_from": "",
        "suggestions": [],
    }


def test_product_facets_are_counted_against_every_other_filter(api):
    # given
    catalog()

    # when
    response = api.get("/api/v1/products/", {"brand": "fleetfoot"})

    # then
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["results"]] == ["trail-runner"]
    assert response.json()["facets"] == {
        "category": [{"key": "running", "label": "Running", "count": 1, "selected": False}],
        "brand": [
            {"key": "acme", "label": "Acme", "count": 2, "selected": False},
            {"key": "fleetfoot", "label": "Fleetfoot", "count": 1, "selected": True},
        ],
        "price": [
            {"key": "0-25", "label": "Under 25", "count": 0, "selected": False},
            {"key": "25-50", "label": "25 to 50", "count": 0, "selected": False},
            {"key": "50-100", "label": "50 to 100", "count": 1, "selected": False},
            {"key": "100-250", "label": "100 to 250", "count": 0, "selected": False},
            {"key": "250-", "label": "250 and over", "count": 0, "selected": False},
        ],
        "rating": [
            {"key": "4", "label": "4 stars & up", "count": 1, "selected": False},
            {"key": "3", "label": "3 stars & up", "count": 1, "selected": False},
            {"key": "2", "label": "2 stars & up", "count": 1, "selected": False},
            {"key": "1", "label": "1 stars & up", "count": 1, "selected": False},
        ],
        "in_stock": [{"key": "1", "label": "In stock", "count": 1, "selected": False}],
    }


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=price",
        "sort=-price",
        "sort=rating",
        "sort=newest",
        "q=runner",
        "search=knife",
        "q=trail+runer",
        "category=sport&price=50-100",
        "brand=acme,fleetfoot&in_stock=1",
        "brand=acme&brand=fleetfoot&sort=price",
        "price_min=30&price_max=95&rating=4",
        "q=zzzz",
    ],
)
def test_product_list_shows_exactly_what_the_search_selector_finds(api, query):
    # given
    catalog()
    form = ProductSearchForm(QueryDict(query))
    assert form.is_valid()
    expected = selectors.product_search(filters=form.to_filters())

    # when
    response = api.get(f"/api/v1/products/?{query}")

    # then
    assert response.status_code == 200
    body = response.json()
    assert [p["slug"] for p in body["results"]] == [p.slug for p in expected.products]
    assert body["count"] == expected.total
    assert body["facets"] == {name: [asdict(value) for value in values] for name, values in expected.facets.items()}
    assert (body["query_used"], body["corrected_from"]) == (expected.query_used, expected.corrected_from)
    assert [p["slug"] for p in body["suggestions"]] == [p.slug for p in expected.suggestions]


@pytest.mark.parametrize(
    ("value", "slugs"),
    [
        ("1", ["trail-runner", "road-runner"]),
        ("true", ["trail-runner", "road-runner"]),
        ("0", ["trail-runner", "road-runner", "chef-knife"]),
        ("false", ["trail-runner", "road-runner", "chef-knife"]),
        ("", ["trail-runner", "road-runner", "chef-knife"]),
    ],
)
def test_in_stock_flag_reads_zero_and_false_as_off(api, value, slugs):
    # given
    catalog()

    # when
    response = api.get("/api/v1/products/", {"in_stock": value})

    # then
    assert [p["slug"] for p in response.json()["results"]] == slugs


def test_product_search_corrects_typos_and_says_so(api):
    # given
    catalog()

    # when
    response = api.get("/api/v1/products/", {"q": "trail runer"})

    # then
    body = response.json()
    assert [p["slug"] for p in body["results"]] == ["trail-runner"]
    assert (body["query_used"], body["corrected_from"]) == ("trail runner", "trail runer")


def test_product_search_without_results_suggests_best_sellers(api):
    # given
    catalog()

    # when
    response = api.get("/api/v1/products/", {"q": "zzzz"})

    # then
    body = response.json()
    assert (body["count"], body["results"]) == (0, [])
    assert [p["slug"] for p in body["suggestions"]] == ["trail-runner", "road-runner"]


def test_product_list_pages_link_to_each_other(api):
    # given
    catalog()

    # when
    first = api.get("/api/v1/products/", {"page_size": 1, "sort": "price"}).json()
    second = api.get("/api/v1/products/", {"page_size": 1, "sort": "price", "page": 2}).json()

    # then
    assert (first["count"], [p["slug"] for p in first["results"]]) == (3, ["chef-knife"])
    assert first["previous"] is None
    assert first["next"] == f"{HOST}/api/v1/products/?page=2&page_size=1&sort=price"
    assert [p["slug"] for p in second["results"]] == ["road-runner"]
    assert second["previous"] == f"{HOST}/api/v1/products/?page_size=1&sort=price"
    assert second["next"] == f"{HOST}/api/v1/products/?page=3&page_size=1&sort=price"


@pytest.mark.parametrize(
    ("params", "details"),
    [
        ({"price_min": "abc"}, {"price_min": ["Enter a number."]}),
        ({"price_max": "NaN"}, {"price_max": ["Enter a number."]}),
        ({"price_min": "1e400"}, {"price_min": ["Ensure that there are no more than 12 digits in total."]}),
        ({"price_min": "-1"}, {"price_min": ["Ensure this value is greater than or equal to 0."]}),
        ({"price_min": "10", "price_max": "5"}, {"price_max": ["Must not be lower than price_min."]}),
        ({"price": "cheap"}, {"price": ["Select a valid choice. cheap is not one of the available choices."]}),
        ({"page": "0"}, {"page": ["Ensure this value is greater than or equal to 1."]}),
        ({"page": "-3"}, {"page": ["Ensure this value is greater than or equal to 1."]}),
        ({"page": "x"}, {"page": ["A valid integer is required."]}),
        ({"page": "last"}, {"page": ["A valid integer is required."]}),
        ({"page_size": "100000"}, {"page_size": ["Ensure this value is less than or equal to 100."]}),
        ({"page_size": "0"}, {"page_size": ["Ensure this value is greater than or equal to 1."]}),
        ({"page_size": "many"}, {"page_size": ["A valid integer is required."]}),
        ({"sort": "bogus"}, {"sort": ["Select a valid choice. bogus is not one of the available choices."]}),
        ({"rating": "9"}, {"rating": ["Select a valid choice. 9 is not one of the available choices."]}),
        ({"brand": "<script>"}, {"brand": ["Use lowercase letters, digits and hyphens only."]}),
        ({"brand": ",".join(f"b{n}" for n in range(21))}, {"brand": ["At most 20 values."]}),
        ({"category": "Not A Slug"}, {"category": ["Use lowercase letters, digits and hyphens only."]}),
        ({"q": "x" * 201}, {"q": ["Ensure this value has at most 200 characters (it has 201)."]}),
        ({"search": "y" * 5000}, {"search": ["Ensure this value has at most 200 characters (it has 5000)."]}),
        ({"q": "shoe\x00"}, {"q": ["Null characters are not allowed."]}),
    ],
)
def test_product_list_rejects_each_bad_parameter_with_a_400_naming_it(api, params, details):
    # given
    catalog()

    # when
    response = api.get("/api/v1/products/", params)

    # then
    assert response.status_code == 400
    assert error(response) == {"code": "invalid", "message": "The request has invalid fields.", "details": details}


def test_product_list_reports_every_bad_filter_at_once(api):
    # when
    response = api.get("/api/v1/products/", {"price_min": "abc", "sort": "bogus", "rating": "9"})

    # then
    assert response.status_code == 400
    assert sorted(error(response)["details"]) == ["price_min", "rating", "sort"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "nope"}, {"code": "category_not_found", "message": "No such category.", "details": {}}),
        ({"page": "3"}, {"code": "page_not_found", "message": "That page does not exist.", "details": {"page": 3}}),
        (
            {"page": str(10**20)},
            {"code": "page_not_found", "message": "That page does not exist.", "details": {"page": 10**20}},
        ),
    ],
)
def test_product_list_unknown_category_or_page_past_the_end_is_a_404(api, params, expected):
    # given
    catalog()

    # when
    response = api.get("/api/v1/products/", {"page_size": 2, **params})

    # then
    assert response.status_code == 404
    assert error(response) == expected


# --- Product detail ----------------------------------------------------------------------------


def test_product_detail_has_active_variants_images_typed_attributes_and_ratings(api):
    # given
    made = catalog()
    trail = made["trail"]
    services.product_image_add(product=trail, image_file=png(), alt_text="Side view")
    weight = AttributeFactory(name="Weight", code="weight", value_type=Attribute.ValueType.NUMBER, unit="g")
    waterproof = AttributeFactory(name="Waterproof", code="waterproof", value_type=Attribute.ValueType.BOOLEAN)
    material = AttributeFactory(name="Material", code="material")
    ProductAttributeValue.objects.create(product=trail, attribute=weight, value_number=Decimal("250.500"))
    ProductAttributeValue.objects.create(product=trail, attribute=waterproof, value_boolean=True)
    ProductAttributeValue.objects.create(product=trail, attribute=material, value_text="Mesh")

    # when
    response = api.get("/api/v1/products/trail-runner/")

    # then
    assert response.status_code == 200
    media = f"{HOST}/media/products"
    assert response.json() == {
        "id": trail.id,
        "slug": "trail-runner",
        "name": "Trail Runner",
        "brand": {"slug": "fleetfoot", "name": "Fleetfoot"},
        "category": {"slug": "running", "name": "Running", "path": "sport/running"},
        "min_price": "89.90",
        "currency": settings.SHOP_CURRENCY,
        "in_stock": True,
        "rating_avg": "4.50",
        "rating_count": 2,
        "url": f"{HOST}/p/trail-runner/",
        "description": "A dependable everyday product.",
        "variants": [
            {
                "id": trail.variants.get(sku="TR-42").id,
                "sku": "TR-42",
                "name": "EU 42",
                "option_values": {"size": "42"},
                "price": "89.90",
                "compare_at_price": "109.00",
                "stock_status": "low_stock",
                "stock_quantity": 3,
                "is_active": True,
            },
            {
                "id": trail.variants.get(sku="TR-43").id,
                "sku": "TR-43",
                "name": "EU 43",
                "option_values": {},
                "price": "99.90",
                "compare_at_price": None,
                "stock_status": "out_of_stock",
                "stock_quantity": 0,
                "is_active": True,
            },
        ],
        "images": [
            {
                "url": f"{media}/{trail.id}/{trail.id}-0.jpg",
                "thumbnail_small": f"{media}/thumbs/{trail.id}-0-320.jpg",
                "thumbnail_medium": f"{media}/thumbs/{trail.id}-0-640.jpg",
                "width": 40,
                "height": 30,
                "alt": "Side view",
            }
        ],
        "attributes": [
            {"name": "Material", "code": "material", "type": "text", "value": "Mesh", "unit": "", "display": "Mesh"},
            {
                "name": "Waterproof",
                "code": "waterproof",
                "type": "boolean",
                "value": True,
                "unit": "",
                "display": "Yes",
            },
            {"name": "Weight", "code": "weight", "type": "number", "value": 250.5, "unit": "g", "display": "250.5 g"},
        ],
        "rating_distribution": [
            {"stars": 5, "count": 1},
            {"stars": 4, "count": 1},
            {"stars": 3, "count": 0},
            {"stars": 2, "count": 0},
            {"stars": 1, "count": 0},
        ],
    }


@pytest.mark.parametrize("url", ["/api/v1/products/nope/", "/api/v1/products/old-shoe/"])
def test_unknown_or_inactive_product_is_a_404(api, url):
    # given
    catalog()

    # when
    response = api.get(url)

    # then
    assert response.status_code == 404
    assert error(response) == {"code": "product_not_found", "message": "No such product.", "details": {}}


@pytest.mark.parametrize(
    "url",
    ["/api/v1/products/a%00b/", "/api/v1/products/%3Cscript%3E/", "/api/v1/products/a.b/", "/api/v1/nothing/"],
)
def test_paths_that_cannot_name_anything_are_a_404_in_the_error_shape(api, url):
    # when
    response = api.get(url)

    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/categories/",
        "/api/v1/categories/sport/",
        "/api/v1/products/",
        "/api/v1/products/trail-runner/",
        "/api/v1/products/trail-runner/reviews/",
        "/api/v1/search/autocomplete/?q=run",
    ],
)
def test_browsable_api_renders_every_endpoint(api, url):
    # given
    catalog()

    # when
    response = api.get(url, HTTP_ACCEPT="text/html")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"


# --- Reviews -----------------------------------------------------------------------------------


def test_reviews_are_the_published_ones_newest_first(api):
    # given
    made = catalog()
    ana, ben = made["trail"].reviews.filter(status=Review.Status.PUBLISHED).order_by("-created_at")

    # when
    response = api.get("/api/v1/products/trail-runner/reviews/")

    # then
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": ana.id,
                "author_name": "Ana",
                "rating": 5,
                "title": "Great grip",
                "body": "Held on wet rocks.",
                "created_at": "2026-05-02T10:30:00+01:00",
                "helpful_count": 4,
                "sentiment": None,
            },
            {
                "id": ben.id,
                "author_name": "Ben",
                "rating": 4,
                "title": "Good",
                "body": "Works exactly as described.",
                "created_at": "2026-05-01T01:00:00+01:00",
                "helpful_count": 0,
                "sentiment": None,
            },
        ],
    }


def test_reviews_are_paginated(api):
    # given
    catalog()

    # when
    response = api.get("/api/v1/products/trail-runner/reviews/", {"page_size": 1, "page": 2})

    # then
    body = response.json()
    assert (body["count"], [r["author_name"] for r in body["results"]]) == (2, ["Ben"])
    assert (body["previous"], body["next"]) == (f"{HOST}/api/v1/products/trail-runner/reviews/?page_size=1", None)


@pytest.mark.parametrize(
    ("url", "params", "status", "expected"),
    [
        ("/api/v1/products/nope/reviews/", {}, 404, {"code": "product_not_found", "message": "No such product."}),
        ("/api/v1/products/trail-runner/reviews/", {"page": 3}, 404, {"code": "not_found", "message": "Invalid page."}),
        (
            "/api/v1/products/trail-runner/reviews/",
            {"page": "x"},
            400,
            {"code": "invalid", "message": "The request has invalid fields."},
        ),
        (
            "/api/v1/products/trail-runner/reviews/",
            {"page_size": "101"},
            400,
            {"code": "invalid", "message": "The request has invalid fields."},
        ),
    ],
)
def test_reviews_of_unknown_products_or_bad_pages_are_errors(api, url, params, status, expected):
    # given
    catalog()

    # when
    response = api.get(url, params)

    # then
    assert response.status_code == status
    assert {k: error(response)[k] for k in ("code", "message")} == expected


# --- Autocomplete ------------------------------------------------------------------------------


def test_autocomplete_suggests_categories_then_products_with_absolute_urls(api):
    # given
    catalog()

    # when
    response = api.get("/api/v1/search/autocomplete/", {"q": "run"})

    # then
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {"type": "category", "label": "Running", "url": f"{HOST}/c/running/"},
            {"type": "product", "label": "Trail Runner", "url": f"{HOST}/p/trail-runner/"},
            {"type": "product", "label": "Road Runner", "url": f"{HOST}/p/road-runner/"},
        ]
    }


def test_autocomplete_needs_two_characters(api):
    # given
    catalog()

    # when
    response = api.get("/api/v1/search/autocomplete/", {"q": "r"})

    # then
    assert (response.status_code, response.json()) == (200, {"results": []})


@pytest.mark.parametrize(
    ("params", "details"),
    [
        ({}, {"q": ["This field is required."]}),
        ({"q": "x" * 101}, {"q": ["Ensure this field has no more than 100 characters."]}),
        ({"q": "ru\x00n"}, {"q": ["Null characters are not allowed."]}),
    ],
)
def test_autocomplete_rejects_a_missing_or_bad_q(api, params, details):
    # when
    response = api.get("/api/v1/search/autocomplete/", params)

    # then
    assert response.status_code == 400
    assert error(response) == {"code": "invalid", "message": "The request has invalid fields.", "details": details}


# --- Throttling --------------------------------------------------------------------------------


def test_anonymous_clients_are_throttled_with_the_error_shape(api):
    # given
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")[0])
    statuses = {api.get("/api/v1/search/autocomplete/", {"q": ""}).status_code for _ in range(allowed)}

    # when
    response = api.get("/api/v1/search/autocomplete/", {"q": ""})

    # then
    assert statuses == {200}
    assert response.status_code == 429
    assert error(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


# --- Query counts ------------------------------------------------------------------------------


def grow_catalog(made: dict, *, products: int) -> None:
    """Many more products, each with variants, an image, attributes and reviews."""
    attribute = AttributeFactory(name="Colour", code="colour")
    for n in range(products):
        product = ProductFactory(category=made["running"], brand=made["trail"].brand, popularity=n)
        VariantFactory.create_batch(3, product=product)
        services.product_image_add(product=product, image_file=png(8, 8))
        ProductAttributeValue.objects.create(product=product, attribute=attribute, value_text="Red")
    ReviewFactory.create_batch(30, product=made["trail"], user=None, author_name="Guest")
    VariantFactory.create_batch(10, product=made["trail"])
    services.product_image_add(product=made["trail"], image_file=png(8, 8))
    services.product_denormalised_refresh()
    services.product_rating_refresh()


@pytest.mark.parametrize(
    ("url", "small_params", "large_params", "queries"),
    [
        ("/api/v1/categories/", {}, {}, 2),
        ("/api/v1/categories/sport/", {}, {}, 3),
        ("/api/v1/products/", {"page_size": 1}, {"page_size": 100}, 7),
        ("/api/v1/products/", {"q": "runner", "page_size": 1}, {"q": "runner", "page_size": 100}, 8),
        ("/api/v1/products/", {"category": "sport", "page_size": 1}, {"category": "sport", "page_size": 100}, 9),
        ("/api/v1/products/trail-runner/", {}, {}, 5),
        ("/api/v1/products/trail-runner/reviews/", {"page_size": 1}, {"page_size": 100}, 3),
        ("/api/v1/search/autocomplete/", {"q": "run"}, {"q": "run"}, 3),
    ],
)
def test_query_count_does_not_grow_with_the_catalog_or_the_page_size(api, url, small_params, large_params, queries):
    # given
    made = catalog()
    small, small_queries = counted(api, url, small_params)
    grow_catalog(made, products=25)
    CategoryFactory.create_batch(5, parent=made["running"])

    # when
    large, large_queries = counted(api, url, large_params)

    # then
    assert (small.status_code, large.status_code) == (200, 200)
    assert small_queries == large_queries == queries
