"""Recommendation API: the same blocks the pages show, for the requester only.

"For you" is always the requester's own list: a signed-in user's (session or token), else this
browser session's (its events and the `viewed` ids the storefront script keeps), else the
cold-start chain. There is no parameter naming a user, so no one can read another's list.
"""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from checkout.selectors import cart_get
from recommendations import api_docs, inference, selectors, services
from recommendations.serializers import (
    BlockQuerySerializer,
    ForYouQuerySerializer,
    RecommendationBlockSerializer,
    RecommendationEventSerializer,
)
from shop.models import Product, Variant


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
    served = inference.served_version()
    key = f"recs:response:{served.version_id if served else 0}:{whose}:{request.get_full_path()}"
    data = cache.get(key)
    if data is None:
        data = _respond(request, build()).data
        cache.set(key, data, settings.RECOMMENDATIONS_RESPONSE_CACHE_SECONDS)
    return Response(data)


def _respond(request, block: inference.RecommendationBlock) -> Response:
    variants = dict(
        Variant.objects.filter(product__in=[item.product for item in block.items], is_active=True, stock_quantity__gt=0)
        .order_by("product_id", "-position", "-id")
        .values_list("product_id", "pk")
    )  # one variant per product (dict keeps the last: the first by position)
    return Response(RecommendationBlockSerializer(block, context={"variants": variants}).data)


class ForYouView(APIView):
    permission_classes = [AllowAny]

    @api_docs.for_you_get
    def get(self, request):
        params = ForYouQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return _cached(
            request,
            lambda: inference.recommendations_for_user(
                **_owner(request),
                viewed=params.validated_data.get("viewed", ()),
                limit=params.validated_data["limit"],
                category=params.validated_data.get("category"),
            ),
        )


class TrendingView(APIView):
    permission_classes = [AllowAny]

    @api_docs.trending_get
    def get(self, request):
        params = BlockQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return _cached(request, lambda: inference.trending_products(**_owner(request), **params.validated_data))


def _product_block(request, pk: int, build) -> Response:
    """A block about one active product: `build(product, owner, params)` is called unless the answer is cached."""
    params = BlockQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    product = get_object_or_404(Product, pk=pk, is_active=True)
    return _cached(request, lambda: build(product, _owner(request), params.validated_data))


class SimilarView(APIView):
    permission_classes = [AllowAny]

    @api_docs.similar_get
    def get(self, request, pk: int):
        return _product_block(
            request, pk, lambda product, owner, params: inference.similar_products(product=product, **owner, **params)
        )


class BoughtTogetherView(APIView):
    permission_classes = [AllowAny]

    @api_docs.bought_together_get
    def get(self, request, pk: int):
        return _product_block(
            request,
            pk,
            lambda product, owner, params: inference.bought_together(product_ids=[product.pk], **owner, **params),
        )


class CartView(APIView):
    permission_classes = [AllowAny]

    @api_docs.cart_get
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
        block = inference.bought_together(product_ids=product_ids, **owner, block="cart", **params.validated_data)
        return _respond(request, block)


class BeaconAuthentication(SessionAuthentication):
    """The session's user without a CSRF check: a beacon cannot carry the token, and a forged
    impression only adds a row of telemetry (no state of the shopper changes)."""

    def enforce_csrf(self, request) -> None:
        return None


class EventView(APIView):
    """Impressions and clicks from the storefront script. Attributed to the page's signed-in user or session."""

    authentication_classes = [BeaconAuthentication, TokenAuthentication]
    permission_classes = [AllowAny]

    @api_docs.event_post
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
