"""Recommendation blocks on the pages: placeholders only on cacheable pages, the bundle add, the order's block."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from checkout.models import CartLine
from orders.models import OrderEmail
from orders.services import order_email_deliver, order_email_queue
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory, UserFactory, VariantFactory
from tests.recommendations.store import planted_store, train

pytestmark = pytest.mark.django_db


def test_home_and_product_pages_carry_empty_placeholders_only(client):
    # given
    product = ProductFactory(in_stock=True)
    VariantFactory(product=product)

    # when
    home = client.get("/").content.decode()
    page = client.get(f"/p/{product.slug}/").content.decode()

    # then: nothing personal in HTML the anonymous page cache may keep; the script fills the blocks
    assert 'data-recs-url="/api/v1/recommendations/for-you/?limit=8"' in home
    assert 'data-recs-url="/api/v1/recommendations/trending/?limit=8"' in home
    assert f'data-recs-url="/api/v1/products/{product.pk}/similar/?limit=8"' in page
    assert f'data-recs-url="/api/v1/products/{product.pk}/bought-together/?limit=4"' in page
    assert f'data-recs-viewed="{product.pk}"' in page
    assert "recs-reason" not in home + page


def test_the_bundle_goes_into_the_cart_in_one_post(client):
    # given
    first, second = VariantFactory(), VariantFactory()

    # when
    response = client.post("/cart/add-bundle/", {"variants": f"{first.pk},{second.pk}"})

    # then
    assert response.status_code == 302
    assert sorted(CartLine.objects.values_list("variant_id", "quantity")) == [(first.pk, 1), (second.pk, 1)]
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"Added to your cart: {first.product.name} (Standard), {second.product.name} (Standard)."
    ]


@pytest.mark.parametrize("variants", ["", "1,x", ",".join(["1"] * 11)])
def test_a_malformed_bundle_adds_nothing(client, variants):
    # when
    response = client.post("/cart/add-bundle/", {"variants": variants})

    # then
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["Choose 1 to 10 products to add."]
    assert CartLine.objects.count() == 0


def test_a_bundle_with_an_unavailable_product_adds_none_of_it(client):
    # given
    available, sold_out = VariantFactory(), VariantFactory(stock_quantity=0)

    # when
    client.post("/cart/add-bundle/", {"variants": f"{available.pk},{sold_out.pk}"})

    # then
    assert CartLine.objects.count() == 0


def test_the_order_confirmation_email_suggests_products_bought_with_the_order(settings):
    # given
    settings.ML_DEVICE = "cpu"
    store = planted_store()
    train(store)
    for product in store.products:
        VariantFactory(product=product)
    order = OrderFactory(user=UserFactory())
    OrderLineFactory(order=order, variant=store.products[0].variants.get())

    # when
    order_email_deliver(email_id=order_email_queue(order=order, kind=OrderEmail.Kind.CONFIRMATION).pk)

    # then
    text = mail.outbox[0].body
    assert "You may also like:\n- " in text
    assert f"(Often bought with {store.products[0].name})" in text
    assert text.count("\n- ") == 1 + 4  # the order line, then four suggestions
