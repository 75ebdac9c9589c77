"""The page cache: served from cache, per-visitor CSRF tokens, events still recorded, catalog writes
invalidate (anonymous visitors); signed-in shoppers: tests/core/test_page_cache_personal.py."""

from decimal import Decimal

import pytest

from events.models import Interaction
from events.services import interactions_flush
from shop.services import product_denormalised_refresh
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def product():
    variant = VariantFactory(product__name="Trail Kettle", price=Decimal("30.00"))
    product_denormalised_refresh(product_ids=[variant.product_id])
    return variant.product


def test_an_anonymous_product_page_is_served_from_the_cache_and_its_views_still_count(client, product):
    first = client.get(product.get_absolute_url())
    second = client.get(product.get_absolute_url())
    interactions_flush()

    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in first
    assert second["X-Page-Cache"] == "hit"
    assert Interaction.objects.filter(kind="view", product=product).count() == 2


def test_a_cached_page_carries_the_visitors_own_csrf_token(client, product, django_assert_num_queries):
    client.get(product.get_absolute_url())
    other_visitor = client.__class__(enforce_csrf_checks=True)

    with django_assert_num_queries(0):
        page = other_visitor.get(product.get_absolute_url())

    html = page.content.decode()
    assert page["X-Page-Cache"] == "hit"
    assert "__csrf_token__" not in html
    assert 'name="csrfmiddlewaretoken" value="' in html
    assert "csrftoken" in page.cookies


def test_a_catalog_write_invalidates_cached_pages(client, product):
    client.get(product.get_absolute_url())
    variant = product.variants.get()
    variant.price = Decimal("25.00")
    variant.save()

    product_denormalised_refresh(product_ids=[product.pk])
    page = client.get(product.get_absolute_url())

    assert "X-Page-Cache" not in page
    assert "25.00" in page.content.decode()


def test_search_results_are_cached_and_every_search_is_recorded(client, product):
    client.get("/search/", {"q": "kettle"})
    second = client.get("/search/", {"q": "kettle"})
    interactions_flush()

    assert second["X-Page-Cache"] == "hit"
    searches = Interaction.objects.filter(kind="search", query="kettle")
    assert list(searches.values_list("result_count", flat=True)) == [1, 1]
