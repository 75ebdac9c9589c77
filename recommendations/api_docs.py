"""OpenAPI documentation of the recommendations API: summaries, descriptions, parameters, responses and
examples, as decorators that `recommendations.api` puts on its views (`@api_docs.<view>_<method>`).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, extend_schema

from core.api import THROTTLED_RESPONSE, error_example, error_response
from recommendations.serializers import (
    BlockQuerySerializer,
    ForYouQuerySerializer,
    RecommendationBlockSerializer,
    RecommendationEventSerializer,
)

BLOCK_EXAMPLE = OpenApiExample(
    "Recommended for a signed-in shopper",
    response_only=True,
    value={
        "block": "for_you",
        "title": "Recommended for you",
        "model_version": 12,
        "personalised": True,
        "results": [
            {
                "id": 4211,
                "name": "Trail Runner 2",
                "slug": "trail-runner-2",
                "url": "/p/trail-runner-2/",
                "brand": "Northpeak",
                "category": "Sneakers",
                "price": "89.00",
                "image": "/media/products/trail-runner-2-320.webp",
                "variant_id": 9876,
                "reason": "Because you viewed Hiking Socks 3-pack",
                "reason_code": "interacted",
                "reason_product_id": 1203,
            }
        ],
    },
)
BAD_QUERY = error_response(
    "Invalid `limit`, unknown `category` or malformed `viewed`.",
    error_example(
        "Unknown category",
        code="invalid",
        message="The request has invalid fields.",
        details={"category": ["No category has the slug 'shoes-x'."]},
    ),
)
NOT_FOUND = error_response(
    "No active product has this id.", error_example("Unknown product", code="not_found", message="Not found.")
)


def _block_schema(summary: str, description: str, *, query=BlockQuerySerializer, not_found: bool = False):
    """The OpenAPI description every block endpoint shares."""
    responses = {200: RecommendationBlockSerializer, 400: BAD_QUERY, 429: THROTTLED_RESPONSE}
    if not_found:
        responses[404] = NOT_FOUND
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[query],
        responses=responses,
        examples=[BLOCK_EXAMPLE],
        tags=["recommendations"],
    )


# --- ForYouView -------------------------------------------------------------------------------------

for_you_get = _block_schema(
    "Recommended for you",
    "The requester's own recommendations with a reason each. Signed in: learned from their behaviour, "
    "updated with what they did since the last training. Otherwise: from the products viewed in this "
    "session, then popular in those categories, then trending. Never another shopper's list.",
    query=ForYouQuerySerializer,
)

# --- TrendingView -----------------------------------------------------------------------------------

trending_get = _block_schema(
    "Trending now", "Products with the most activity in the last two weeks, recent days counting most."
)


def _product_block_schema(summary: str, description: str):
    return _block_schema(summary, description, not_found=True)


# --- SimilarView ------------------------------------------------------------------------------------

similar_get = _product_block_schema(
    "Similar products",
    "Products that the same shoppers like (or, for a new product, of the same category and brand).",
)

# --- BoughtTogetherView -----------------------------------------------------------------------------

bought_together_get = _product_block_schema(
    "Frequently bought together",
    "Products most often in the same basket as this one; each reason names this product.",
)

# --- CartView ---------------------------------------------------------------------------------------

cart_get = _block_schema(
    "Complete your order",
    "For the requester's own cart (signed-in customer's, else this session's): products often bought with "
    "what is in it, then similar ones, then popular ones. An empty or missing cart gets trending products.",
)


# Registered with drf-spectacular when this module is imported (by the API module); `target_class` is
# a dotted path, so this module needs no import of the views.
class BeaconAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents BeaconAuthentication as the session cookie it is."""

    target_class = "recommendations.api.BeaconAuthentication"
    name = "beaconCookieAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


# --- EventView --------------------------------------------------------------------------------------

event_post = extend_schema(
    summary="Record impressions or a click of a recommendation block",
    request=RecommendationEventSerializer,
    responses={204: None, 400: error_response("Malformed event.")},
    examples=[
        OpenApiExample(
            "Impressions",
            request_only=True,
            value={
                "kind": "impression",
                "block": "similar",
                "model_version": 12,
                "product_ids": [4211, 77],
                "positions": [0, 1],
            },
        )
    ],
    tags=["recommendations"],
)
