"""OpenAPI documentation of the pricing API: summaries, descriptions, parameters, responses and
examples, as decorators that `pricing.api` puts on its views (`@api_docs.<view>` on a view class,
`@api_docs.<view>_<method>` on one method).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from core.api import error_example, error_response
from pricing.models import PriceSuggestion
from pricing.serializers import (
    ApproveResultSerializer,
    ApproveSerializer,
    PriceChangeSerializer,
    PriceSuggestionDetailSerializer,
    PriceSuggestionSerializer,
)

FORBIDDEN = error_response(
    "Not signed in as staff.",
    error_example("Not staff", code="permission_denied", message="You do not have permission to perform this action."),
)
NOT_FOUND = error_response(
    "No such suggestion.", error_example("Unknown", code="not_found", message="No price suggestion 999.")
)
BAD_FILTER = error_response(
    "Bad filter.",
    error_example(
        "Bad status",
        code="invalid",
        message="The request has invalid fields.",
        details={"status": ["Choose one of: pending, applied, rejected, superseded, unchanged."]},
    ),
)
SUGGESTION_EXAMPLE = {
    "id": 812,
    "sku": "PUL-000123-04",
    "product": "Pulse Acoustics Summit 2 ANC Wireless Earbuds",
    "variant": 377,
    "status": "pending",
    "mode": "suggest",
    "objective": "profit",
    "current_price": "79.99",
    "suggested_price": "85.59",
    "change_pct": 7.0,
    "cost": "44.10",
    "min_allowed": "71.99",
    "max_allowed": "87.98",
    "expected_units_current": 2.41,
    "expected_units": 2.2,
    "band": {"units_low": 0.0, "units_high": 5.0},
    "expected_revenue_current": 192.78,
    "expected_revenue": 188.3,
    "expected_profit_current": 86.5,
    "expected_profit": 91.28,
    "elasticity": -1.4,
    "reason": "Raise 7.0% from 79.99 to 85.59; price elasticity -1.4; best expected profit at 85.59; "
    "demand is seasonal high (+12%)",
    "top_contributions": [["doy_cos", 0.112], ["dow", 0.061], ["level_28", -0.04]],
    "model_label": "demand v3",
    "run": 41,
    "decided_by": None,
    "decided_at": None,
    "created_at": "2026-11-23T04:00:02Z",
}

# --- SuggestionListView -----------------------------------------------------------------------------

suggestion_list = extend_schema(
    summary="List price suggestions",
    description="Newest first. Expected figures are per day; `band` is the 10-90% range of a day's units.",
    parameters=[
        OpenApiParameter(
            "status", OpenApiTypes.STR, enum=PriceSuggestion.Status.values, description="Only this status."
        ),
        OpenApiParameter("variant", OpenApiTypes.INT, description="Only this variant's suggestions."),
    ],
    responses={200: PriceSuggestionSerializer(many=True), 400: BAD_FILTER, 403: FORBIDDEN},
    examples=[
        OpenApiExample(
            "A page of suggestions",
            response_only=True,
            value={"count": 1, "next": None, "previous": None, "results": [SUGGESTION_EXAMPLE]},
        )
    ],
)

# --- SuggestionDetailView ---------------------------------------------------------------------------

suggestion_detail = extend_schema(
    summary="A price suggestion with its explanation and demand curve",
    description="Adds every feature contribution and the demand curve (prices, units and profit per day).",
    responses={200: PriceSuggestionDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    examples=[
        OpenApiExample(
            "Suggestion",
            response_only=True,
            value={
                **SUGGESTION_EXAMPLE,
                "contributions": {"doy_cos": 0.112, "group:season": 0.108},
                "curve": {"prices": [71.99, 79.99, 87.98], "units": [2.8, 2.41, 2.1], "profit": [78.07, 86.5, 92.15]},
            },
        )
    ],
)

# --- ApproveView ------------------------------------------------------------------------------------

approve = extend_schema(
    summary="Approve and apply price suggestions",
    description=(
        "Each pending suggestion is applied on its own, after checking that the variant's price is still the one "
        "it was made for and that the new price passes the guardrails as they are now. Refusals are listed with "
        "the reason; the others are applied."
    ),
    request=ApproveSerializer,
    responses={
        200: ApproveResultSerializer,
        400: error_response(
            "No ids.",
            error_example(
                "Empty",
                code="invalid",
                message="The request has invalid fields.",
                details={"ids": ["This list may not be empty."]},
            ),
        ),
        403: FORBIDDEN,
    },
    examples=[
        OpenApiExample("Approve two", request_only=True, value={"ids": [812, 813]}),
        OpenApiExample(
            "One applied, one refused",
            response_only=True,
            value={"applied": [812], "refused": {"813": "Suggestion 813 is applied, not pending."}},
        ),
    ],
)

# --- PriceHistoryView -------------------------------------------------------------------------------

price_history = extend_schema(
    summary="Price history",
    description="Every price change of every variant (engine, admin edits, imports), newest first; engine "
    "changes add the model version, the approver and the suggestion.",
    parameters=[OpenApiParameter("variant", OpenApiTypes.INT, description="Only this variant's changes.")],
    responses={200: PriceChangeSerializer(many=True), 400: BAD_FILTER, 403: FORBIDDEN},
    examples=[
        OpenApiExample(
            "A page of changes",
            response_only=True,
            value={
                "count": 1,
                "next": None,
                "previous": None,
                "results": [
                    {
                        "id": 90,
                        "sku": "PUL-000123-04",
                        "variant": 377,
                        "old_price": "79.99",
                        "new_price": "85.59",
                        "changed_at": "2026-11-23T09:12:40Z",
                        "reason": "Dynamic pricing (demand v3, approved by anna)",
                        "changed_by": "anna",
                        "model_label": "demand v3",
                        "approved_by": "anna",
                        "suggestion": 812,
                    }
                ],
            },
        )
    ],
)
