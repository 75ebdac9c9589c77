"""Recommendation API: the same blocks the pages show, for the requester only.

"For you" is always the requester's own list: a signed-in user's (session or token), else this
browser session's (its events and the `viewed` ids the storefront script keeps), else the
cold-start chain. There is no parameter naming a user, so no one can read another's list.
"""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from checkout.selectors import cart_get
from core.api import THROTTLED_RESPONSE, error_example, error_response
from recommendations import selectors, services
from recommendations.serializers import (
    BlockQuerySerializer,
    ForYouQuerySerializer,
    RecommendationBlockSerializer,
    RecommendationEventSerializer,
)
from shop.models import Product, Variant

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


def _owner(request) -> dict:
    session = getattr(request, "session", None)
    return {"user": request.user, "session_key": (session.session_key if session is not None else None) or ""}


def _cached(request, build) -> Response:
    """The block's JSON, from the cache when an equal request was answered lately, else freshly built.

    Signed-out requests without a session differ only by their URL (path, limit, category,
    viewed), so their answers are shared; a signed-in user's are kept for them alone, keyed by
    how many events they have and the latest one's time, so anything they do gives a fresh answer.
    Entries live RECOMMENDATIONS_RESPONSE_CACHE_SECONDS and name the served version (a new
    champion is never answered from an old entry). Guests with a session are always answered fresh.
    """
    owner = _owner(request)
    if request.user.is_authenticated:  # theirs alone, until they do something (or the entry expires)
        whose = f"user:{request.user.pk}:{selectors.shopper_fingerprint(user=request.user)}"
    elif owner["session_key"]:
        return _respond(request, build())
    else:
        whose = "anonymous"
    served = selectors.served_version()
    key = f"recs:response:{served.version_id if served else 0}:{whose}:{request.get_full_path()}"
    data = cache.get(key)
    if data is None:
        data = _respond(request, build()).data
        cache.set(key, data, settings.RECOMMENDATIONS_RESPONSE_CACHE_SECONDS)
    return Response(data)


def _respond(request, block: selectors.RecommendationBlock) -> Response:
    variants = dict(
        Variant.objects.filter(product__in=[item.product for item in block.items], is_active=True, stock_quantity__gt=0)
        .order_by("product_id", "-position", "-id")
        .values_list("product_id", "pk")
    )  # one variant per product (dict keeps the last: the first by position)
    return Response(RecommendationBlockSerializer(block, context={"variants": variants}).data)


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


class ForYouView(APIView):
    permission_classes = [AllowAny]

    @_block_schema(
        "Recommended for you",
        "The requester's own recommendations with a reason each. Signed in: learned from their behaviour, "
        "updated with what they did since the last training. Otherwise: from the products viewed in this "
        "session, then popular in those categories, then trending. Never another shopper's list.",
        query=ForYouQuerySerializer,
    )
    def get(self, request):
        params = ForYouQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return _cached(
            request,
            lambda: selectors.recommendations_for_user(
                **_owner(request),
                viewed=params.validated_data.get("viewed", ()),
                limit=params.validated_data["limit"],
                category=params.validated_data.get("category"),
            ),
        )


class TrendingView(APIView):
    permission_classes = [AllowAny]

    @_block_schema("Trending now", "Products with the most activity in the last two weeks, recent days counting most.")
    def get(self, request):
        params = BlockQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return _cached(request, lambda: selectors.trending_products(**_owner(request), **params.validated_data))


def _product_block_schema(summary: str, description: str):
    return _block_schema(summary, description, not_found=True)


def _product_block(request, pk: int, build) -> Response:
    """A block about one active product: `build(product, owner, params)` is called unless the answer is cached."""
    params = BlockQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    product = get_object_or_404(Product, pk=pk, is_active=True)
    return _cached(request, lambda: build(product, _owner(request), params.validated_data))


class SimilarView(APIView):
    permission_classes = [AllowAny]

    @_product_block_schema(
        "Similar products",
        "Products that the same shoppers like (or, for a new product, of the same category and brand).",
    )
    def get(self, request, pk: int):
        return _product_block(
            request, pk, lambda product, owner, params: selectors.similar_products(product=product, **owner, **params)
        )


class BoughtTogetherView(APIView):
    permission_classes = [AllowAny]

    @_product_block_schema(
        "Frequently bought together",
        "Products most often in the same basket as this one; each reason names this product.",
    )
    def get(self, request, pk: int):
        return _product_block(
            request,
            pk,
            lambda product, owner, params: selectors.bought_together(product_ids=[product.pk], **owner, **params),
        )


class CartView(APIView):
    permission_classes = [AllowAny]

    @_block_schema(
        "Complete your order",
        "For the requester's own cart (signed-in customer's, else this session's): products often bought with "
        "what is in it, then similar ones, then popular ones. An empty or missing cart gets trending products.",
    )
    def get(self, request):
        params = BlockQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        owner = _owner(request)
        cart = cart_get(**owner)
        product_ids = (
            []
            if cart is None
            else list(cart.lines.filter(saved_for_later=False).values_list("variant__product_id", flat=True).distinct())
        )
        block = selectors.bought_together(product_ids=product_ids, **owner, block="cart", **params.validated_data)
        return _respond(request, block)


class BeaconAuthentication(SessionAuthentication):
    """The session's user without a CSRF check: a beacon cannot carry the token, and a forged
    impression only adds a row of telemetry (no state of the shopper changes)."""

    def enforce_csrf(self, request) -> None:
        return None


class BeaconAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents BeaconAuthentication as the session cookie it is."""

    target_class = BeaconAuthentication
    name = "beaconCookieAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class EventView(APIView):
    """Impressions and clicks from the storefront script. Attributed to the page's signed-in user or session."""

    authentication_classes = [BeaconAuthentication, TokenAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(
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
    def post(self, request):
        event = RecommendationEventSerializer(data=request.data)
        event.is_valid(raise_exception=True)
        data = event.validated_data
        services.recommendation_events_record(
            kind=data["kind"],
            block=data["block"],
            product_ids=data["product_ids"],
            positions=data["positions"],
            model_version_id=data.get("model_version"),
            user=request.user,
            session_key=_owner(request)["session_key"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
