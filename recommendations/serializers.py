"""Recommendation API shapes: query parameters in, a block of explained products out."""

from django.conf import settings
from rest_framework import serializers

from recommendations.inference import BLOCK_TITLES, REASON_CODES
from recommendations.models import RecommendationEvent
from shop.models import Category

MAX_LIMIT = 50
MAX_VIEWED = 20


class BlockQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=10, help_text="Products, 1 to 50.")
    category = serializers.SlugField(
        required=False, help_text="Only products of this category (slug), its subcategories included."
    )

    def validate_category(self, slug: str) -> Category:
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise serializers.ValidationError(f"No category has the slug {slug!r}.")
        return category


class ForYouQuerySerializer(BlockQuerySerializer):
    viewed = serializers.CharField(
        required=False,
        help_text=(
            "For shoppers who are not signed in: ids of products viewed in this browser session, most recent "
            f"last, separated by commas (at most {MAX_VIEWED}). The storefront's script sends them."
        ),
    )

    def validate_viewed(self, value: str) -> tuple[int, ...]:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if len(parts) > MAX_VIEWED or not all(part.isdigit() and len(part) < 12 for part in parts):
            raise serializers.ValidationError(f"Give at most {MAX_VIEWED} product ids separated by commas.")
        return tuple(int(part) for part in parts)


class RecommendedProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="product.pk")
    name = serializers.CharField(source="product.name")
    slug = serializers.CharField(source="product.slug")
    url = serializers.SerializerMethodField()
    brand = serializers.CharField(source="product.brand.name")
    category = serializers.CharField(source="product.category.name")
    price = serializers.DecimalField(source="product.min_price", max_digits=12, decimal_places=2)
    image = serializers.SerializerMethodField(help_text="Thumbnail URL, or null when the product has no picture.")
    variant_id = serializers.SerializerMethodField(help_text="The variant a one-click add puts in the cart.")
    reason = serializers.CharField(help_text="Why this product is shown, in words for the shopper.")
    reason_code = serializers.ChoiceField(
        choices=sorted(REASON_CODES.values()),
        help_text="`interacted`: the shopper viewed, carted, saved or bought the reason's product; `bought_together`, "
        "`similar`: relative to it; `popular`: popular in the product's category.",
    )
    reason_product_id = serializers.IntegerField(
        allow_null=True, help_text="The product the reason names (one the shopper interacted with, or the page's)."
    )

    def get_url(self, item) -> str:
        return item.product.get_absolute_url()

    def get_image(self, item) -> str | None:
        image = getattr(item.product, "card_image", None)
        return f"{settings.MEDIA_URL}{image}" if image else None

    def get_variant_id(self, item) -> int | None:
        return self.context.get("variants", {}).get(item.product.pk)


class RecommendationBlockSerializer(serializers.Serializer):
    block = serializers.ChoiceField(choices=list(BLOCK_TITLES))
    title = serializers.CharField()
    model_version = serializers.IntegerField(
        source="model_version_id",
        allow_null=True,
        help_text="The `als` model version whose lists these are; null when only the cold-start fallback answered.",
    )
    personalised = serializers.BooleanField(help_text="True when the list was learned for this signed-in shopper.")
    results = RecommendedProductSerializer(source="items", many=True)


class RecommendationEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RecommendationEvent.Kind.choices)
    block = serializers.ChoiceField(choices=list(BLOCK_TITLES))
    model_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    product_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_LIMIT)
    positions = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_LIMIT), min_length=1, max_length=MAX_LIMIT
    )

    def validate(self, data: dict) -> dict:
        if len(data["product_ids"]) != len(data["positions"]):
            raise serializers.ValidationError({"positions": ["Give one position per product id."]})
        return data
