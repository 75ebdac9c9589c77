"""Staff API of pricing under /api/v1/pricing/: suggestions, approvals and the price history.

Staff only. The public catalog API shows a variant's current price only (shop.serializers); no
shopper-specific price exists anywhere.
"""

from rest_framework import generics, permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing import api_docs, selectors, services
from pricing.models import PriceSuggestion
from pricing.serializers import (
    ApproveSerializer,
    PriceChangeSerializer,
    PriceSuggestionDetailSerializer,
    PriceSuggestionSerializer,
)


class StaffOnly:
    permission_classes = [permissions.IsAdminUser]


def _status(request) -> str | None:
    value = request.query_params.get("status") or None
    if value is not None and value not in PriceSuggestion.Status.values:
        raise ValidationError({"status": [f"Choose one of: {', '.join(PriceSuggestion.Status.values)}."]})
    return value


def _variant(request) -> int | None:
    value = request.query_params.get("variant") or None
    if value is not None and not value.isdigit():
        raise ValidationError({"variant": ["A variant id (a whole number)."]})
    return int(value) if value else None


@api_docs.suggestion_list
class SuggestionListView(StaffOnly, generics.ListAPIView):
    serializer_class = PriceSuggestionSerializer

    def get_queryset(self):
        return selectors.price_suggestion_list(status=_status(self.request), variant_id=_variant(self.request))


@api_docs.suggestion_detail
class SuggestionDetailView(StaffOnly, APIView):
    def get(self, request, pk: int):
        return Response(PriceSuggestionDetailSerializer(services.price_suggestion_get(suggestion_id=pk)).data)


@api_docs.approve
class ApproveView(StaffOnly, APIView):
    def post(self, request):
        payload = ApproveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(payload.validated_data["ids"]))
        changes, errors = services.price_suggestions_approve(suggestion_ids=ids, approved_by=request.user)
        applied = [c.pricing_audit.suggestion_id for c in changes]
        return Response({"applied": applied, "refused": {str(k): v for k, v in errors.items()}})


@api_docs.price_history
class PriceHistoryView(StaffOnly, generics.ListAPIView):
    serializer_class = PriceChangeSerializer

    def get_queryset(self):
        return selectors.price_history_list(variant_id=_variant(self.request))
