"""Catalogue writes through shop.services keep every derived field current: search documents, minimum
price, ratings, price history and the "did you mean" vocabulary."""

from decimal import Decimal

import pytest

from shop import services
from shop.models import Brand, PriceChange, Product, Review, SearchTerm, Variant
from tests.factories import BrandFactory, ProductFactory, ReviewFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _terms() -> set[str]:
    return set(SearchTerm.objects.values_list("term", flat=True))


def test_a_new_product_reaches_the_vocabulary_and_search():
    product = Product(
        name="Zephyrine Kettle", slug="zephyrine-kettle", category=ProductFactory().category, brand=BrandFactory()
    )

    services.product_save(product=product)

    assert "zephyrine" in _terms()
    assert list(Product.objects.filter(search_vector="zephyrine").values_list("pk", flat=True)) == [product.pk]


def test_a_deactivated_product_leaves_the_vocabulary():
    product = ProductFactory(name="Quillstone Lamp")
    services.search_terms_refresh()
    assert "quillstone" in _terms()

    services.product_active_set(product_ids=[product.pk], is_active=False)

    assert "quillstone" not in _terms()


def test_a_renamed_brand_reaches_its_products_search_documents_and_the_vocabulary():
    brand = BrandFactory(name="Oldmark")
    product = ProductFactory(brand=brand)
    services.search_terms_refresh()
    brand.name = "Novaterra"

    services.brand_save(brand=brand, changed=["name"])

    assert "novaterra" in _terms()
    assert "oldmark" not in _terms()
    assert list(Product.objects.filter(search_vector="novaterra").values_list("pk", flat=True)) == [product.pk]


def test_deleting_a_brand_drops_its_words_from_the_vocabulary():
    BrandFactory(name="Vanishco")
    services.search_terms_refresh()

    deleted = services.catalogue_names_delete(rows=Brand.objects.filter(name="Vanishco"))

    assert deleted == 1
    assert "vanishco" not in _terms()


def test_a_new_price_is_saved_recorded_and_reaches_the_products_minimum_price():
    variant = VariantFactory(price=Decimal("20.00"))
    staff = UserFactory(is_staff=True)

    change = services.variant_price_set(variant=variant, price=Decimal("17.50"), reason="Sale", changed_by=staff)

    assert (change.old_price, change.new_price, change.reason, change.changed_by) == (
        Decimal("20.00"),
        Decimal("17.50"),
        "Sale",
        staff,
    )
    assert Variant.objects.get(pk=variant.pk).price == Decimal("17.50")
    assert Product.objects.get(pk=variant.product_id).min_price == Decimal("17.50")


def test_setting_the_same_price_records_nothing():
    variant = VariantFactory(price=Decimal("20.00"))

    assert services.variant_price_set(variant=variant, price=Decimal("20.00"), reason="Same") is None
    assert not PriceChange.objects.exists()


def test_deleting_reviews_refreshes_the_rating():
    product = ProductFactory()
    ReviewFactory(product=product, rating=5)
    low = ReviewFactory(product=product, rating=1)
    services.product_rating_refresh(product_ids=[product.pk])

    services.reviews_delete(reviews=Review.objects.filter(pk=low.pk))

    product.refresh_from_db()
    assert (product.rating_avg, product.rating_count) == (Decimal("5.00"), 1)
