"""factory_boy factories for the whole suite."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import Order, OrderLine
from shop import models
from shop.services import product_rating_refresh


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
        skip_postgeneration_save = True  # the hook below writes through a service, not the instance

    product = factory.SubFactory(ProductFactory)
    user = factory.SubFactory(UserFactory)
    author_name = factory.LazyAttribute(lambda r: r.user.username)
    rating = 5
    title = "Great"
    body = "Works exactly as described."
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def rating_refreshed(review, create, extracted, **kwargs):
        """As shop.services does after every review write: the product's rating average and count follow."""
        if create:
            product_rating_refresh(product_ids=[review.product_id])


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


class WishlistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WishlistItem

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    was_in_stock = True


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment captured in full by the built-in test gateway."""

    class Meta:
        model = "payments.Payment"

    order = factory.SubFactory(OrderFactory)
    gateway = "test"
    reference = factory.Sequence(lambda n: f"test_ch_{n:08d}")
    amount = factory.LazyAttribute(lambda payment: payment.order.total)
    currency = "EUR"
    status = "captured"
    card_brand = "visa"
    card_last4 = "4242"


class CartFactory(factory.django.DjangoModelFactory):
    """A guest's cart (give `user=...` and `session_key=None` for a customer's)."""

    class Meta:
        model = "checkout.Cart"

    session_key = factory.Sequence(lambda n: f"guest-session-{n:08d}")


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "checkout.CartLine"

    cart = factory.SubFactory(CartFactory)
    variant = factory.SubFactory(VariantFactory)
    quantity = 1
    price_when_added = factory.LazyAttribute(lambda line: line.variant.price)


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    """Standard delivery as migration 0003 seeds it (transactional tests flush seeded rows)."""

    class Meta:
        model = "checkout.ShippingMethod"
        django_get_or_create = ("code",)

    code = "standard"
    name = "Standard delivery"
    price = Decimal("4.95")
    free_over = Decimal("50.00")
    delivery_estimate = "3-5 working days"


class RiskRuleFactory(factory.django.DjangoModelFactory):
    """A deny list of one e-mail address; give other fields for other kinds of rule."""

    class Meta:
        model = "risk.RiskRule"

    name = factory.Sequence(lambda n: f"Rule {n}")
    kind = "deny_list"
    action = "decline"
    list_field = "email"
    values = "fraud@example.com"


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.Refund"

    payment = factory.SubFactory(PaymentFactory)
    amount = Decimal("5.00")


class RegisteredModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ml.RegisteredModel"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"kind-{n}")
    title = factory.LazyAttribute(lambda model: model.name.capitalize())


class TrainingRunFactory(factory.django.DjangoModelFactory):
    """A finished run (one minute long) of a registered model."""

    class Meta:
        model = "ml.TrainingRun"

    registered_model = factory.SubFactory(RegisteredModelFactory)
    status = "succeeded"
    trigger = "command"
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda run: run.started_at + timedelta(minutes=1))


class ModelVersionFactory(factory.django.DjangoModelFactory):
    """A ready version made by its own run."""

    class Meta:
        model = "ml.ModelVersion"

    run = factory.SubFactory(TrainingRunFactory)
    registered_model = factory.LazyAttribute(lambda version: version.run.registered_model)
    number = factory.Sequence(lambda n: n + 1)
    status = "ready"
    params = factory.LazyFunction(dict)
    main_metric = "score"
    data_window_start = factory.LazyFunction(timezone.now)
    data_window_end = factory.LazyFunction(timezone.now)
    row_counts = factory.LazyFunction(dict)
    device = "cpu"
    code_version = "test"
