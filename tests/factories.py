"""factory_boy factories for the whole suite."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import Order, OrderLine
from shop import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"customer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Attribute

    name = factory.Sequence(lambda n: f"Attribute {n}")
    code = factory.Sequence(lambda n: f"attribute-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Product

    category = factory.SubFactory(CategoryFactory)
    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A dependable everyday product."


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    name = "Standard"
    price = Decimal("19.99")
    cost = Decimal("8.00")
    stock_quantity = 10


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Review

    product = factory.SubFactory(ProductFactory)
    user = factory.SubFactory(UserFactory)
    author_name = factory.LazyAttribute(lambda r: r.user.username)
    rating = 5
    title = "Great"
    body = "Works exactly as described."
    created_at = factory.LazyFunction(timezone.now)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"SF-{n:07d}")
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
    status = Order.Status.PAID
    subtotal = Decimal("19.99")
    total = Decimal("19.99")
    created_at = factory.LazyFunction(timezone.now)


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    variant = factory.SubFactory(VariantFactory)
    product_name = factory.LazyAttribute(lambda line: line.variant.product.name)
    sku = factory.LazyAttribute(lambda line: line.variant.sku)
    quantity = 1
    unit_price = factory.LazyAttribute(lambda line: line.variant.price)
    line_total = factory.LazyAttribute(lambda line: line.unit_price * line.quantity)
