"""Catalog and behaviour data of the store.

The catalog is Category -> Product -> Variant (the SKU that has a price and stock).
Product keeps a few denormalised columns (`min_price`, `in_stock`, `rating_*`, `popularity`,
`search_vector`) so that listing and search pages sort, filter and facet with index scans
instead of joins; `shop.services.product_denormalised_refresh` keeps them right.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse


class Category(models.Model):
    """A node of the category tree. `path` is the materialised slug path ("home/kitchen")."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    path = models.CharField(max_length=500, unique=True, editable=False)
    description = models.TextField(blank=True)
    is_featured = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        indexes = [models.Index(fields=["path"], name="category_path_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("shop:category", kwargs={"slug": self.slug})


class Brand(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """A typed product attribute, e.g. "Material" (text) or "Weight" (number, "g")."""

    class ValueType(models.TextChoices):
        TEXT = "text", "Text"
        NUMBER = "number", "Number"
        BOOLEAN = "boolean", "Yes/no"

    name = models.CharField(max_length=80)
    code = models.SlugField(max_length=80, unique=True)
    value_type = models.CharField(max_length=10, choices=ValueType.choices, default=ValueType.TEXT)
    unit = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name


class Product(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    is_featured = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Denormalised for fast listing, sorting and faceting (see module docstring).
    min_price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    in_stock = models.BooleanField(default=False)
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.00"))
    rating_count = models.PositiveIntegerField(default=0)
    popularity = models.PositiveIntegerField(default=0, help_text="Units sold in the last 30 days.")
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="product_search_idx"),
            GinIndex(fields=["name"], name="product_name_trgm_idx", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["category", "is_active", "min_price"], name="product_cat_price_idx"),
            models.Index(fields=["is_active", "-popularity"], name="product_popularity_idx"),
            models.Index(fields=["is_active", "-created_at"], name="product_newest_idx"),
            models.Index(fields=["is_active", "-rating_avg"], name="product_rating_idx"),
            models.Index(fields=["brand", "is_active"], name="product_brand_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:product", kwargs={"slug": self.slug})


class ProductAttributeValue(models.Model):
    """One typed value of an attribute on a product; exactly one value column is used."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="attribute_values")
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="values")
    value_text = models.CharField(max_length=200, blank=True)
    value_number = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    value_boolean = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "attribute"], name="unique_product_attribute")]

    def __str__(self) -> str:
        return f"{self.attribute.name}: {self.display_value}"

    @property
    def display_value(self) -> str:
        kind = self.attribute.value_type
        if kind == Attribute.ValueType.BOOLEAN:
            return "Yes" if self.value_boolean else "No"
        if kind == Attribute.ValueType.NUMBER and self.value_number is not None:
            number = f"{self.value_number.normalize():f}"
            return f"{number} {self.attribute.unit}".strip()
        return self.value_text


def product_image_path(instance: "ProductImage", filename: str) -> str:
    # The uploaded filename is never trusted: only its product and a fixed extension are used.
    return f"products/{instance.product_id}/{instance.product_id}-{instance.position}.jpg"


class ProductImage(models.Model):
    """An image plus the thumbnails made from it at upload (see services.product_image_add)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=product_image_path, width_field="width", height_field="height")
    thumbnail_small = models.ImageField(upload_to="products/thumbs/", blank=True)
    thumbnail_medium = models.ImageField(upload_to="products/thumbs/", blank=True)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or f"Image {self.position} of {self.product_id}"


# The most units of one variant a shopper may buy in one cart or order line (product page, cart, checkout).
MAX_LINE_QUANTITY = 99


class Variant(models.Model):
    """A sellable SKU: option values (size, colour...), prices in SHOP_CURRENCY, cost and stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=120, blank=True, help_text="Human label such as 'Red / M'.")
    option_values = models.JSONField(default=dict, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    compare_at_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))]
    )
    cost = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0.00"))]
    )
    stock_quantity = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "position", "id"]
        indexes = [models.Index(fields=["stock_quantity"], name="variant_stock_idx")]

    def __str__(self) -> str:
        return f"{self.product.name} - {self.name}" if self.name else self.sku

    @property
    def is_on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


class PriceChange(models.Model):
    """History of a variant's price: old, new, when and why."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_changes")
    old_price = models.DecimalField(max_digits=12, decimal_places=2)
    new_price = models.DecimalField(max_digits=12, decimal_places=2)
    changed_at = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.old_price} -> {self.new_price}"


class Review(models.Model):
    """A customer's review of a product: one per customer and product."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Pending moderation"
        HIDDEN = "hidden", "Hidden"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reviews")
    author_name = models.CharField(max_length=80)
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    helpful_count = models.PositiveIntegerField(default=0, help_text="Customers who found it helpful (ReviewVote).")
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True, help_text="When its author last edited it.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="unique_review_per_customer"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["product", "status", "-created_at"], name="review_product_idx")]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"


class SearchTerm(models.Model):
    """The store's vocabulary (words of product, brand and category names) for "did you mean"."""

    term = models.CharField(max_length=80, unique=True)
    frequency = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [GinIndex(fields=["term"], name="searchterm_trgm_idx", opclasses=["gin_trgm_ops"])]

    def __str__(self) -> str:
        return self.term


class ReviewVote(models.Model):
    """A customer found a review helpful. One per customer and review; `Review.helpful_count` counts them."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="unique_review_vote")]

    def __str__(self) -> str:
        return f"{self.user_id} found review {self.review_id} helpful"


class WishlistItem(models.Model):
    """A product a customer saved for later.

    "Back in stock" rule: the item shows the badge when the product was out of stock at the moment it
    was added (`was_in_stock` is False) and is in stock now. Stock is read from the product's
    denormalised `in_stock`, so the flag costs no extra query and needs no hook on stock changes.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="wishlist_items")
    was_in_stock = models.BooleanField(help_text="Whether the product was in stock when it was added.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="unique_wishlist_item")]

    def __str__(self) -> str:
        return f"{self.user_id} wishes {self.product_id}"
