"""Taking and returning stock: exact quantities, the product's in_stock column, all-or-nothing refusals."""

import pytest

from core.errors import ApplicationError
from shop.models import Product, Variant
from shop.services import product_denormalised_refresh, stock_return, stock_take
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _stock(*variants: Variant) -> list[int]:
    return [Variant.objects.get(pk=variant.pk).stock_quantity for variant in variants]


def test_stock_take_takes_exact_units_and_marks_a_sold_out_product_out_of_stock():
    # given: a product with one variant of 2 left, another product with a variant of 5
    mug, tee = ProductFactory(), ProductFactory()
    last_mugs, tees = VariantFactory(product=mug, stock_quantity=2), VariantFactory(product=tee, stock_quantity=5)
    product_denormalised_refresh(product_ids=[mug.pk, tee.pk])

    # when
    variants = stock_take(quantities={tees.pk: 3, last_mugs.pk: 2})

    # then: the rows, the returned variants and the derived column
    assert _stock(last_mugs, tees) == [0, 2]
    assert {pk: variant.stock_quantity for pk, variant in variants.items()} == {last_mugs.pk: 0, tees.pk: 2}
    assert dict(Product.objects.filter(pk__in=[mug.pk, tee.pk]).values_list("pk", "in_stock")) == {
        mug.pk: False,
        tee.pk: True,
    }


def test_stock_take_refuses_insufficient_stock_and_writes_nothing():
    # given: enough of one variant, too few of another
    plenty, scarce = VariantFactory(stock_quantity=9), VariantFactory(stock_quantity=1)
    product_denormalised_refresh(product_ids=[plenty.product_id, scarce.product_id])

    # when
    with pytest.raises(ApplicationError) as raised:
        stock_take(quantities={plenty.pk: 9, scarce.pk: 2})

    # then: the checkout's code and message, and no stock taken from either variant
    assert raised.value.code == "insufficient_stock"
    assert raised.value.message == f"Sorry, only 1 of {scarce.product.name} left; please lower the quantity."
    assert raised.value.details == {"variant": scarce.pk, "available": 1}
    assert _stock(plenty, scarce) == [9, 1]
    assert Product.objects.get(pk=plenty.product_id).in_stock is True


def test_stock_take_refuses_a_sold_out_variant():
    gone = VariantFactory(stock_quantity=0)

    with pytest.raises(ApplicationError) as raised:
        stock_take(quantities={gone.pk: 1})

    assert (raised.value.code, raised.value.details) == ("sold_out", {"variant": gone.pk})
    assert _stock(gone) == [0]


def test_stock_return_puts_units_back_and_the_product_back_in_stock():
    # given: a sold-out product
    variant = VariantFactory(stock_quantity=0)
    other = VariantFactory(stock_quantity=4)
    product_denormalised_refresh(product_ids=[variant.product_id])

    # when: units come back, a zero return changes nothing
    stock_return(quantities={variant.pk: 3, other.pk: 0})

    # then
    assert _stock(variant, other) == [3, 4]
    assert Product.objects.get(pk=variant.product_id).in_stock is True
