"""Shapes of the orders API (orders.api): orders for their customer and for staff, and staff input."""

from rest_framework import serializers

from orders.models import Order, OrderLine, OrderStatusChange
from orders.services import REFUND_REASON_MAX, TRACKING_MAX, order_is_cancellable

MAX_LINE_QUANTITY = 100_000


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = [
            "id",
            "sku",
            "product_name",
            "variant_name",
            "quantity",
            "unit_price",
            "line_total",
            "refunded_quantity",
        ]


class OrderStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "created_at"]


class StaffOrderStatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", default=None)

    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "created_at", "changed_by", "note"]


class OrderListSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(help_text="Units ordered, all lines together.")

    class Meta:
        model = Order
        fields = ["number", "status", "created_at", "currency", "total", "refunded_total", "item_count"]


class OrderSerializer(serializers.ModelSerializer):
    """An order as its customer sees it."""

    lines = OrderLineSerializer(many=True)
    status_history = OrderStatusChangeSerializer(many=True, source="status_changes")
    shipping_address = serializers.DictField(help_text="As entered at checkout.")
    billing_address = serializers.DictField(help_text="As entered at checkout.")
    can_cancel = serializers.SerializerMethodField(help_text="Whether `POST .../cancel/` would be accepted now.")
    status_note = serializers.CharField(
        read_only=True, help_text='What happens next, in words, for a status that needs it (e.g. "on_hold"); else "".'
    )

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "status_note",
            "created_at",
            "email",
            "currency",
            "subtotal",
            "shipping",
            "tax",
            "tax_rate",
            "prices_include_tax",
            "total",
            "refunded_total",
            "shipping_method",
            "shipping_address",
            "billing_address",
            "tracking_number",
            "lines",
            "status_history",
            "can_cancel",
        ]

    def get_can_cancel(self, order: Order) -> bool:
        return order_is_cancellable(order=order)


class StaffOrderSerializer(OrderSerializer):
    """An order for staff: who placed it and who changed it, with notes."""

    user = serializers.CharField(source="user.username", default=None, help_text="Null for guest orders.")
    status_history = StaffOrderStatusChangeSerializer(many=True, source="status_changes")

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "user"]


class StaffOrderFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False, help_text="Only this status.")
    created_from = serializers.DateField(required=False, help_text="Placed on or after this day (YYYY-MM-DD).")
    created_to = serializers.DateField(required=False, help_text="Placed on or before this day (YYYY-MM-DD).")
    email = serializers.EmailField(required=False, max_length=254, help_text="Customer email, any letter case.")

    def validate(self, attrs):
        if attrs.get("created_from") and attrs.get("created_to") and attrs["created_from"] > attrs["created_to"]:
            raise serializers.ValidationError({"created_to": ["Must not be before `created_from`."]})
        return attrs


class OrderShipSerializer(serializers.Serializer):
    tracking_number = serializers.CharField(max_length=TRACKING_MAX, help_text="The carrier's tracking number.")


class RefundLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(min_value=1, help_text="`id` of one of the order's lines.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, help_text="Units to refund.")


class OrderRefundSerializer(serializers.Serializer):
    lines = RefundLineSerializer(
        many=True,
        required=False,
        allow_empty=False,
        help_text="Refund these quantities only. Leave out to refund everything not yet refunded, shipping included.",
    )
    reason = serializers.CharField(max_length=REFUND_REASON_MAX, required=False, allow_blank=True, default="")
    restock = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Return shipped units to stock (units of an order that has not shipped always return).",
    )

    def validate_lines(self, lines: list[dict]) -> dict[int, int]:
        quantities: dict[int, int] = {}
        for line in lines:
            if line["line_id"] in quantities:
                raise serializers.ValidationError(f"Line {line['line_id']} is listed twice.")
            quantities[line["line_id"]] = line["quantity"]
        return quantities


class OrderCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REFUND_REASON_MAX, required=False, allow_blank=True, default="")
