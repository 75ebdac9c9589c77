"""Read representations of the catalog for the REST API.

Serializers only shape what the selectors return; every URL they emit is absolute, every money
value is a decimal string in `settings.SHOP_CURRENCY`.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from shop import extensions, selectors, services
from shop.models import Attribute, Review

STOCK_STATUSES = ["in_stock", "low_stock", "out_of_stock"]


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.ReadOnlyField):
    """A site-relative URL (such as `get_absolute_url()`) made absolute with the request's host."""

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value)


@extend_schema_field(OpenApiTypes.URI)
class MediaUrlField(AbsoluteUrlField):
    """A stored file's name, as annotated by a subquery, as the absolute URL of the file."""

    def to_representation(self, value):
        return super().to_representation(default_storage.url(value)) if value else None


class BrandRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    path = serializers.CharField(help_text="Slugs from the root category down to this one, joined by `/`.")


class CategorySerializer(serializers.Serializer):
    """A node of the category tree as `selectors.category_tree` returns it."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    path = serializers.CharField(help_text="Slugs from the root category down to this one, joined by `/`.")
    parent = serializers.CharField(source="parent_slug", allow_null=True, help_text="Slug of the parent category.")
    product_count = serializers.IntegerField(help_text="Active products in this category and its descendants.")
    url = AbsoluteUrlField(source="get_absolute_url", help_text="The category's page on the website.")


class CategoryDetailSerializer(CategorySerializer):
    description = serializers.CharField()
    children = CategorySerializer(source="subcategories", many=True, help_text="Direct subcategories.")


class ProductSummarySerializer(serializers.Serializer):
    """What every product representation shares (the list's cards and the detail)."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    brand = BrandRefSerializer()
    category = CategoryRefSerializer()
    min_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Lowest price of the product's active variants."
    )
    currency = serializers.SerializerMethodField(help_text="ISO 4217 code of every money value.")
    in_stock = serializers.BooleanField(help_text="Whether any active variant has stock.")
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, help_text="Mean of published reviews.")
    rating_count = serializers.IntegerField(help_text="Number of published reviews.")
    url = AbsoluteUrlField(source="get_absolute_url", help_text="The product's page on the website.")

    def get_currency(self, product) -> str:
        return settings.SHOP_CURRENCY


class ProductCardSerializer(ProductSummarySerializer):
    """A product in a list, from `selectors.product_cards` annotations."""

    compare_at_price = serializers.DecimalField(
        source="card_compare_at",
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text="Compare-at (was) price of the cheapest variant, if it has one.",
    )
    thumbnail = MediaUrlField(source="card_image", allow_null=True, help_text="Small thumbnail of the first image.")
    default_variant = serializers.IntegerField(
        source="card_variant_id",
        allow_null=True,
        help_text="Id of the cheapest active variant (the one priced at `min_price`): `POST /cart/lines/` takes it.",
    )


class FacetValueSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The value to pass back as the facet's query parameter.")
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Products matching every other active filter and this value.")
    selected = serializers.BooleanField()


class FacetsSerializer(serializers.Serializer):
    """Facets with counts; each is counted against every filter except its own."""

    category = FacetValueSerializer(many=True, help_text="Query parameter `category`.")
    brand = FacetValueSerializer(many=True, help_text="Query parameter `brand` (repeatable).")
    price = FacetValueSerializer(many=True, help_text="Query parameter `price`.")
    rating = FacetValueSerializer(many=True, help_text="Query parameter `rating`.")
    in_stock = FacetValueSerializer(many=True, help_text="Query parameter `in_stock`.")


# many=False: this already is the whole paginated body, which drf-spectacular must not wrap again.
@extend_schema_serializer(many=False)
class ProductSearchResponseSerializer(serializers.Serializer):
    """A page of `selectors.product_search` results with its facets."""

    count = serializers.IntegerField(help_text="Products matching the search and filters.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ProductCardSerializer(many=True)
    facets = FacetsSerializer()
    query_used = serializers.CharField(help_text="The search text actually run (after typo correction).")
    corrected_from = serializers.CharField(help_text="The shopper's text when it was corrected, else empty.")
    suggestions = ProductCardSerializer(many=True, help_text="Best sellers, offered when nothing matched.")


class VariantSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The variant's id: `POST /cart/lines/` takes it as `variant`.")
    sku = serializers.CharField()
    name = serializers.CharField()
    option_values = serializers.DictField(child=serializers.CharField(), help_text='Such as {"colour": "red"}.')
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    compare_at_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    stock_status = serializers.SerializerMethodField()
    stock_quantity = serializers.IntegerField(help_text="Units available.")
    is_active = serializers.BooleanField()

    @extend_schema_field(serializers.ChoiceField(choices=STOCK_STATUSES))
    def get_stock_status(self, variant) -> str:
        return selectors.variant_stock_status(variant=variant)


class ImageSerializer(serializers.Serializer):
    url = serializers.ImageField(source="image", use_url=True)
    thumbnail_small = serializers.ImageField(use_url=True, allow_null=True)
    thumbnail_medium = serializers.ImageField(use_url=True, allow_null=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField(source="alt_text")


class AttributeValueSerializer(serializers.Serializer):
    name = serializers.CharField(source="attribute.name")
    code = serializers.CharField(source="attribute.code")
    type = serializers.ChoiceField(source="attribute.value_type", choices=Attribute.ValueType.choices)
    value = serializers.SerializerMethodField(help_text="A string, number or boolean, following `type`.")
    unit = serializers.CharField(source="attribute.unit")
    display = serializers.CharField(source="display_value", help_text='For people, such as "250 g" or "Yes".')

    @extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}], "nullable": True})
    def get_value(self, value):
        kind = value.attribute.value_type
        if kind == Attribute.ValueType.NUMBER:
            return value.value_number
        if kind == Attribute.ValueType.BOOLEAN:
            return value.value_boolean
        return value.value_text


class RatingBucketSerializer(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    count = serializers.IntegerField()


class ProductDetailSerializer(ProductSummarySerializer):
    """A product from `selectors.product_detail`, with `rating_distribution` given in the context."""

    description = serializers.CharField()
    variants = VariantSerializer(many=True, help_text="Active variants, in display order.")
    images = ImageSerializer(many=True)
    attributes = AttributeValueSerializer(source="attribute_values", many=True)
    rating_distribution = serializers.SerializerMethodField(help_text="Published reviews per star, 5 down to 1.")

    @extend_schema_field(RatingBucketSerializer(many=True))
    def get_rating_distribution(self, product):
        return [{"stars": stars, "count": count} for stars, count in self.context["rating_distribution"]]


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author_name = serializers.CharField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    helpful_count = serializers.IntegerField()

    def get_fields(self):
        """The fields above plus those other apps add (shop.extensions; sentiment adds `sentiment`)."""
        return {**super().get_fields(), **extensions.review_fields()}


class AutocompleteQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, allow_blank=True, trim_whitespace=True, help_text="What the shopper has typed so far."
    )


class SuggestionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["category", "brand", "product"])
    label = serializers.CharField()
    url = AbsoluteUrlField(help_text="Where the suggestion leads on the website.")


class AutocompleteResponseSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True, help_text="Categories, then brands, then products; at most 8.")


# --- Reviews and wishlist (write side) ----------------------------------------------------------


class ReviewListQuerySerializer(serializers.Serializer):
    sort = serializers.ChoiceField(
        choices=selectors.REVIEW_SORT_CHOICES, default="newest", help_text="Order of the reviews."
    )
    rating = serializers.IntegerField(
        min_value=1, max_value=5, required=False, help_text="Only reviews with this many stars."
    )


class _RejectUnknownFieldsMixin:
    """A misspelt field is an error, not silently ignored (a PATCH of `ratng` would otherwise be a no-op)."""

    def validate(self, attrs):
        if isinstance(self.initial_data, dict) and (unknown := sorted(set(self.initial_data) - set(self.fields))):
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return attrs


class ReviewWriteSerializer(_RejectUnknownFieldsMixin, serializers.Serializer):
    """A review as its author writes it; the same limits as `shop.services.review_create`."""

    rating = serializers.IntegerField(min_value=1, max_value=5, help_text="Stars, 1 to 5.")
    title = serializers.CharField(max_length=services.REVIEW_TITLE_MAX_LENGTH)
    body = serializers.CharField(max_length=services.REVIEW_BODY_MAX_LENGTH, help_text="Plain text.")


class OwnReviewSerializer(ReviewSerializer):
    """A review as its author sees it: with its product and moderation status."""

    product = serializers.CharField(source="product.slug", help_text="The product's slug.")
    status = serializers.ChoiceField(
        choices=Review.Status.choices, help_text="`published` unless staff hid it or it waits for moderation."
    )
    updated_at = serializers.DateTimeField(allow_null=True, help_text="When the author last edited it.")


class ReviewHelpfulSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    helpful_count = serializers.IntegerField(help_text="Customers who found the review helpful, this one included.")


class WishlistAddSerializer(_RejectUnknownFieldsMixin, serializers.Serializer):
    product = serializers.SlugField(max_length=220, help_text="Slug of an active product.")


class WishlistItemSerializer(ProductCardSerializer):
    """A wishlisted product (a product card) from `selectors.wishlist_for_user`."""

    added_at = serializers.DateTimeField(source="wishlisted_at")
    back_in_stock = serializers.BooleanField(
        help_text="The product was out of stock when it was added to the wishlist and is in stock now."
    )
