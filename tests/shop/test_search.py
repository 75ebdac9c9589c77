"""The catalog search selector: ranking, typo tolerance, filters, disjunctive facets, sorting, autocomplete."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import NotFoundError
from shop.filters import ProductFilters
from shop.models import Product
from shop.selectors import product_search, search_autocomplete, search_correction
from tests.factories import BrandFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def names(result) -> list[str]:
    return [product.name for product in result.products]


def facet_counts(result, facet: str) -> dict[str, int]:
    return {value.key: value.count for value in result.facets[facet]}


@pytest.fixture
def audio_catalog(make_product):
    """Audio > Headphones, and Kitchen; two brands; prices, ratings and stock spread over the facets."""
    audio = CategoryFactory(name="Audio", slug="audio")
    headphones = CategoryFactory(name="Headphones", slug="headphones", parent=audio)
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    sonic = BrandFactory(name="Sonic", slug="sonic")
    acme = BrandFactory(name="Acme", slug="acme")
    return {
        "studio": make_product(
            name="Studio Headphones", category=headphones, brand=sonic, price="149.00", ratings=(5, 4), popularity=30
        ),
        "travel": make_product(
            name="Travel Headphones", category=headphones, brand=acme, price="39.00", ratings=(3,), popularity=50
        ),
        "speaker": make_product(
            name="Desk Speaker",
            description="Pairs well with headphones.",
            category=audio,
            brand=sonic,
            price="79.00",
            stock=0,
            popularity=90,
        ),
        "kettle": make_product(name="Steel Kettle", category=kitchen, brand=acme, price="24.50", popularity=10),
    }


def test_a_name_match_ranks_above_a_description_only_match(audio_catalog):
    result = product_search(filters=ProductFilters(query="headphones"))

    assert result.total == 3
    assert names(result)[-1] == "Desk Speaker"
    assert set(names(result)[:2]) == {"Studio Headphones", "Travel Headphones"}
    assert result.corrected_from == ""


def test_a_misspelled_query_is_corrected_and_says_so(audio_catalog):
    result = product_search(filters=ProductFilters(query="hedphones"))

    assert result.corrected_from == "hedphones"
    assert result.query_used == "headphones"
    assert result.total == 3


def test_correction_keeps_words_it_cannot_look_up(audio_catalog):
    assert search_correction(text="USB-C  kettel") == "usb-c kettle"


def test_zero_results_suggest_in_stock_best_sellers(audio_catalog):
    result = product_search(filters=ProductFilters(query="xylophone"))

    assert result.total == 0
    assert [p.name for p in result.suggestions] == ["Travel Headphones", "Studio Headphones", "Steel Kettle"]


def test_a_category_lists_its_whole_subtree(audio_catalog):
    result = product_search(filters=ProductFilters(category="audio", sort="price"))

    assert names(result) == ["Travel Headphones", "Desk Speaker", "Studio Headphones"]
    assert result.category.slug == "audio"
    assert facet_counts(result, "category") == {"headphones": 2}


def test_filters_combine(audio_catalog):
    result = product_search(filters=ProductFilters(brands=("acme",), price_band="25-50"))

    assert names(result) == ["Travel Headphones"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ProductFilters(brands=("sonic",)), {"Desk Speaker", "Studio Headphones"}),
        (ProductFilters(price_band="0-25"), {"Steel Kettle"}),
        (ProductFilters(price_band="100-250"), {"Studio Headphones"}),
        (ProductFilters(price_min=Decimal("39.00"), price_max=Decimal("79.00")), {"Travel Headphones", "Desk Speaker"}),
        (ProductFilters(rating_min=4), {"Studio Headphones"}),
        (ProductFilters(in_stock=True), {"Studio Headphones", "Travel Headphones", "Steel Kettle"}),
    ],
)
def test_each_filter_selects_exactly_its_products(audio_catalog, filters, expected):
    assert set(names(product_search(filters=filters))) == expected


def test_facets_count_every_filter_but_their_own(audio_catalog):
    result = product_search(filters=ProductFilters(brands=("acme",)))

    # The brand facet ignores the brand filter, so Sonic still shows what picking it would add.
    assert facet_counts(result, "brand") == {"acme": 2, "sonic": 2}
    assert facet_counts(result, "price") == {"0-25": 1, "25-50": 1, "50-100": 0, "100-250": 0, "250-": 0}
    assert facet_counts(result, "rating") == {"4": 0, "3": 1, "2": 1, "1": 1}
    assert facet_counts(result, "in_stock") == {"1": 2}
    assert facet_counts(result, "category") == {"headphones": 1, "kitchen": 1}
    assert [value.key for value in result.facets["brand"] if value.selected] == ["acme"]


def test_a_picked_brand_stays_in_its_facet_when_other_filters_leave_it_nothing(audio_catalog):
    result = product_search(filters=ProductFilters(brands=("acme",), price_band="100-250"))

    assert names(result) == []
    assert [(v.key, v.label, v.count, v.selected) for v in result.facets["brand"]] == [
        ("sonic", "Sonic", 1, False),
        ("acme", "Acme", 0, True),
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["Steel Kettle", "Travel Headphones", "Desk Speaker", "Studio Headphones"]),
        ("-price", ["Studio Headphones", "Desk Speaker", "Travel Headphones", "Steel Kettle"]),
        ("popularity", ["Desk Speaker", "Travel Headphones", "Studio Headphones", "Steel Kettle"]),
        ("rating", ["Studio Headphones", "Travel Headphones", "Desk Speaker", "Steel Kettle"]),
        ("newest", ["Steel Kettle", "Desk Speaker", "Travel Headphones", "Studio Headphones"]),
    ],
)
def test_sorting(audio_catalog, sort, expected):
    for age, key in enumerate(["kettle", "speaker", "travel", "studio"]):
        Product.objects.filter(pk=audio_catalog[key].pk).update(created_at=timezone.now() - timedelta(days=age))

    assert names(product_search(filters=ProductFilters(sort=sort))) == expected


def test_pages_split_the_results_and_a_page_past_the_end_is_not_found(audio_catalog):
    second = product_search(filters=ProductFilters(sort="price"), page=2, page_size=3)

    assert names(second) == ["Studio Headphones"]
    assert second.total == 4
    with pytest.raises(NotFoundError):
        product_search(filters=ProductFilters(), page=3, page_size=3)


def test_inactive_products_are_never_found(audio_catalog):
    Product.objects.filter(pk=audio_catalog["studio"].pk).update(is_active=False)

    assert names(product_search(filters=ProductFilters(query="studio"))) == []


def test_autocomplete_suggests_categories_brands_then_products(audio_catalog):
    results = search_autocomplete(prefix="hea")

    assert results[0] == {"type": "category", "label": "Headphones", "url": "/c/headphones/"}
    assert {r["label"] for r in results if r["type"] == "product"} >= {"Studio Headphones", "Travel Headphones"}
    assert search_autocomplete(prefix="s") == []
