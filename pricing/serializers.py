"""Staff API shapes of pricing."""

from rest_framework import serializers

from pricing.ml import explain
from pricing.models import PriceSuggestion
from shop.models import PriceChange


class PriceSuggestionSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="variant.sku")
    product = serializers.CharField(source="variant.product.name")
    change_pct = serializers.FloatField()
    band = serializers.SerializerMethodField(help_text="10-90% range of a day's units at the suggested price.")
    top_contributions = serializers.SerializerMethodField(
        help_text="The five largest LightGBM pred_contrib values (log units) as [feature, value] pairs."
    )

    class Meta:
        model = PriceSuggestion
        fields = [
            "id",
            "sku",
            "product",
            "variant",
            "status",
            "mode",
            "objective",
            "current_price",
            "suggested_price",
            "change_pct",
            "cost",
            "min_allowed",
            "max_allowed",
            "expected_units_current",
            "expected_units",
            "band",
            "expected_revenue_current",
            "expected_revenue",
            "expected_profit_current",
            "expected_profit",
            "elasticity",
            "reason",
            "top_contributions",
            "model_label",
            "run",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_band(self, obj: PriceSuggestion) -> dict[str, float]:
        return {"units_low": obj.units_low, "units_high": obj.units_high}

    def get_top_contributions(self, obj: PriceSuggestion) -> list[list]:
        return [[name, value] for name, value in explain.top_contributions(obj.contributions or {})]


class PriceSuggestionDetailSerializer(PriceSuggestionSerializer):
    class Meta(PriceSuggestionSerializer.Meta):
        fields = [*PriceSuggestionSerializer.Meta.fields, "contributions", "curve"]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000)


class ApproveResultSerializer(serializers.Serializer):
    applied = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the applied suggestions.")
    refused = serializers.DictField(child=serializers.CharField(), help_text="Suggestion id -> why it was refused.")


class PriceChangeSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="variant.sku")
    changed_by = serializers.SerializerMethodField()
    model_label = serializers.SerializerMethodField(help_text="Model version that suggested it (engine changes).")
    approved_by = serializers.SerializerMethodField(help_text="Who approved it; null when applied automatically.")
    suggestion = serializers.SerializerMethodField()

    class Meta:
        model = PriceChange
        fields = [
            "id",
            "sku",
            "variant",
            "old_price",
            "new_price",
            "changed_at",
            "reason",
            "changed_by",
            "model_label",
            "approved_by",
            "suggestion",
        ]
        read_only_fields = fields

    def _audit(self, obj):
        return getattr(obj, "pricing_audit", None)

    def get_changed_by(self, obj) -> str | None:
        return obj.changed_by.get_username() if obj.changed_by else None

    def get_model_label(self, obj) -> str | None:
        audit = self._audit(obj)
        return audit.model_label if audit else None

    def get_approved_by(self, obj) -> str | None:
        audit = self._audit(obj)
        return audit.approved_by.get_username() if audit and audit.approved_by else None

    def get_suggestion(self, obj) -> int | None:
        audit = self._audit(obj)
        return audit.suggestion_id if audit else None
