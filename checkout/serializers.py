"""Request and response bodies of the cart and checkout API (checkout.api).

Input serializers check types, ranges and lengths; the rules (stock, prices, card checks, postal
codes per country) are the services' and the Address model's, so the website and the API agree.
"""

from django.conf import settings
from rest_framework import serializers

from accounts.serializers import AddressSerializer
from accounts.services import ADDRESS_FIELDS
from checkout.services import MAX_LINE_QUANTITY
from shop.serializers import AbsoluteUrlField, MediaUrlField

MAX_ID = 2**63 - 1  # bigint primary keys: larger ids would overflow the query, not just miss


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField(source="variant.sku")
    product_name = serializers.CharField(source="variant.product.name")
    variant_name = serializers.CharField(source="variant.name")
    product_url = AbsoluteUrlField(source="variant.product.get_absolute_url", help_text="The product's web page.")
    thumbnail = MediaUrlField(source="card_image", allow_null=True, help_text="First image, 320 px; null if none.")
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="The current price.")
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    price_when_added = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="The price the shopper saw when adding it."
    )
    price_changed = serializers.BooleanField(help_text="`unit_price` differs from `price_when_added`.")
    available = serializers.BooleanField(source="is_available", help_text="False once the item left the catalog.")
    stock_quantity = serializers.IntegerField(source="variant.stock_quantity", help_text="Units in stock now.")
    exceeds_stock = serializers.BooleanField(help_text="More in the cart than in stock: lower the quantity.")
    saved_for_later = serializers.BooleanField()


class CartSerializer(serializers.Serializer):
    """The shopper's cart with current prices (`selectors.CartDetail`)."""

    lines = CartLineSerializer(many=True, help_text="Lines to buy, including unavailable ones to remove.")
    saved = CartLineSerializer(many=True, help_text="Lines saved for later (not bought at checkout).")
    item_count = serializers.IntegerField(help_text="Units of the available lines to buy.")
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Of the available lines to buy.")
    currency = serializers.SerializerMethodField()
    needs_attention = serializers.BooleanField(
        help_text="Some line is unavailable, exceeds the stock or changed price since it was added."
    )

    def get_currency(self, cart) -> str:
        return settings.SHOP_CURRENCY


class CartLineCreateSerializer(serializers.Serializer):
    """One variant, named by its id (`variants[].id` of a product, a card's `default_variant`) or its SKU."""

    variant = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="The variant's id. Send this or `sku`."
    )
    sku = serializers.CharField(max_length=64, required=False, help_text="The variant's SKU. Send this or `variant`.")
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_LINE_QUANTITY, default=1, help_text="Added on top of any in the cart."
    )

    def validate(self, attrs):
        if ("variant" in attrs) == ("sku" in attrs):
            message = "Send either `variant` (the variant's id) or `sku`, not both."
            raise serializers.ValidationError({"variant": [message]})
        return attrs


class CartLineUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, required=False)
    saved_for_later = serializers.BooleanField(
        required=False, help_text="`true` moves the line to the saved list, `false` back into the cart."
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send `quantity`, `saved_for_later` or both.")
        return attrs


class ShippingMethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="The method's standard price.")
    free_over = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="Free from this goods subtotal; null: never."
    )
    price_for_cart = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="What it costs for the shopper's cart as it is now."
    )
    delivery_estimate = serializers.CharField()


class CheckoutAddressSerializer(AddressSerializer):
    """A postal address as typed at checkout (validated like the address book's)."""

    class Meta(AddressSerializer.Meta):
        fields = list(ADDRESS_FIELDS)
        read_only_fields = []


class PaymentCardSerializer(serializers.Serializer):
    card_number = serializers.CharField(max_length=30, help_text="Digits, spaces allowed. Never stored.")
    card_expiry = serializers.CharField(max_length=7, help_text="MM/YY (or MM/YYYY).")
    card_cvc = serializers.CharField(max_length=4, help_text="3 or 4 digits. Never stored.")


class CheckoutSerializer(serializers.Serializer):
    """Buy the cart. Give each address either typed out or (customers) as the id of a saved one."""

    email = serializers.EmailField(
        max_length=254, required=False, help_text="Required for guests; customers default to their account's."
    )
    shipping_address = CheckoutAddressSerializer(required=False)
    shipping_address_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="A saved address of the signed-in customer."
    )
    billing_address = CheckoutAddressSerializer(required=False, help_text="Default: the shipping address.")
    billing_address_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    shipping_method = serializers.CharField(max_length=40, help_text="A `code` from `GET /checkout/shipping-methods/`.")
    payment = PaymentCardSerializer()

    def validate(self, attrs):
        errors = {}
        for kind in ("shipping", "billing"):
            if f"{kind}_address" in attrs and f"{kind}_address_id" in attrs:
                errors[f"{kind}_address"] = [f"Give `{kind}_address` or `{kind}_address_id`, not both."]
        if "shipping_address" not in attrs and "shipping_address_id" not in attrs:
            errors["shipping_address"] = ["This field is required."]
        user = self.context["request"].user
        if not user.is_authenticated:
            if "email" not in attrs:
                errors["email"] = ["This field is required."]
            for kind in ("shipping", "billing"):
                if f"{kind}_address_id" in attrs:
                    errors[f"{kind}_address_id"] = ["Saved addresses need a signed-in customer."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
