"""Carts and the store's checkout configuration (shipping methods, tax)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from shop.models import Variant


class Cart(models.Model):
    """A customer's cart (one per user) or a guest's (keyed by session), merged at login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    session_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(session_key__isnull=False), name="cart_has_owner"
            )
        ]

    def __str__(self) -> str:
        return f"Cart {self.pk} of {self.user_id or self.session_key}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="cart_lines")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(99)])
    saved_for_later = models.BooleanField(default=False)
    price_when_added = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Shown price when added, to tell the shopper it changed."
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="unique_cart_variant"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=99), name="cartline_quantity_1_to_99"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_id}"

    # What the cart page and API show; they read the variant and product loaded with the line.

    @property
    def unit_price(self) -> Decimal:
        return self.variant.price

    @property
    def line_total(self) -> Decimal:
        return self.variant.price * self.quantity

    @property
    def price_changed(self) -> bool:
        """The price differs from the one the shopper saw when adding the line."""
        return self.variant.price != self.price_when_added

    @property
    def is_available(self) -> bool:
        """The variant is still sold (it and its product are active)."""
        return self.variant.is_active and self.variant.product.is_active

    @property
    def exceeds_stock(self) -> bool:
        """Stock fell below the quantity since the line was added ("Only N left")."""
        return self.quantity > self.variant.stock_quantity


class ShippingMethod(models.Model):
    """A delivery option, e.g. flat-rate standard delivery, free over a threshold."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))])
    free_over = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Free when the order's goods total reaches this amount (blank: never free).",
    )
    delivery_estimate = models.CharField(max_length=100, blank=True, help_text="e.g. '2-4 working days'.")
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "price"]

    def __str__(self) -> str:
        return self.name


class TaxConfiguration(models.Model):
    """The store's single tax setting, edited in admin (one row; see checkout.selectors)."""

    rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percent, e.g. 20.00.",
    )
    prices_include_tax = models.BooleanField(
        default=True, help_text="Catalog prices include tax (shown incl. tax; tax is extracted at checkout)."
    )

    class Meta:
        verbose_name = "tax configuration"
        verbose_name_plural = "tax configuration"

    def __str__(self) -> str:
        return f"{self.rate}% ({'incl.' if self.prices_include_tax else 'excl.'})"
