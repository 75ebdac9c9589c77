"""Cart and checkout API under /api/v1/: the cart, its lines, shipping methods and placing the order.

Views parse input, call one checkout.selectors or checkout.services function and serialize the
result, exactly like the cart and checkout pages.

Who owns the cart: a signed-in customer (token or session) has one cart; a guest has the cart of
their session cookie. A guest API client calls `GET /api/v1/cart/` first, which sets the `csrftoken`
cookie, then sends its cookies back and the token in an `X-CSRFToken` header with every write (the
first write starts the session). Another shopper's line id is a 404, so ids cannot be probed.
"""

import re

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework import permissions, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, TokenAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Address
from accounts.selectors import address_get
from accounts.services import address_snapshot
from checkout import api_docs, selectors, services
from checkout.extensions import ClientSignals
from checkout.models import Cart
from checkout.serializers import (
    CartLineCreateSerializer,
    CartLineUpdateSerializer,
    CartSerializer,
    CheckoutSerializer,
    ShippingMethodSerializer,
)
from core.errors import ApplicationError, NotFoundError
from events.models import Interaction
from events.services import EventOrigin
from orders.serializers import OrderSerializer
from shop.selectors import variant_id_for_sku

IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,100}$")  # 1 to 100 visible ASCII characters


class GuestCsrfAuthentication(BaseAuthentication):
    """Makes a guest's writes carry the CSRF token, as a signed-in session's must.

    DRF's SessionAuthentication checks CSRF only once it has found a signed-in user; a guest's cart
    lives in their session cookie too, so a forged cross-site request could fill or buy it. This
    runs last, after token and session authentication found nobody, and never authenticates anyone.
    """

    def authenticate(self, request):
        if request.method not in permissions.SAFE_METHODS:
            SessionAuthentication().enforce_csrf(request)
        return None


class CartAPIView(APIView):
    authentication_classes = [SessionAuthentication, TokenAuthentication, GuestCsrfAuthentication]
    permission_classes = [permissions.AllowAny]

    def owner(self) -> dict:
        return {"user": self.request.user, "session_key": self.request.session.session_key}

    def cart_for_write(self) -> Cart:
        """The shopper's cart, created (and for a guest, the session with it) when missing."""
        if not self.request.user.is_authenticated and self.request.session.session_key is None:
            self.request.session.save()
        return services.cart_get_or_create(**self.owner())

    def cart_response(self, status_code: int = status.HTTP_200_OK) -> Response:
        detail = selectors.cart_detail(cart=selectors.cart_get(**self.owner()))
        return Response(CartSerializer(detail, context={"request": self.request}).data, status=status_code)

    def existing_cart(self) -> Cart:
        cart = selectors.cart_get(**self.owner())
        if cart is None:
            raise NotFoundError("That item is not in your cart.", code="cart_line_not_found")
        return cart


_INVALID = "The request has invalid fields."


# --- Cart --------------------------------------------------------------------------------------------


class CartView(CartAPIView):
    @api_docs.cart_get
    @method_decorator(ensure_csrf_cookie)
    def get(self, request):
        return self.cart_response()


class CartLineListView(CartAPIView):
    @api_docs.cart_line_list_post
    def post(self, request):
        serializer = CartLineCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        variant_id = data["variant"] if "variant" in data else variant_id_for_sku(sku=data["sku"])
        services.cart_line_add(
            cart=self.cart_for_write(),
            variant_id=variant_id,
            quantity=data["quantity"],
            origin=EventOrigin.from_request(request),
        )
        return self.cart_response(status.HTTP_201_CREATED)


class CartLineDetailView(CartAPIView):
    @api_docs.cart_line_detail_patch
    def patch(self, request, line_id: int):
        serializer = CartLineUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, cart = serializer.validated_data, self.existing_cart()
        if "quantity" in data:
            services.cart_line_update(
                cart=cart, line_id=line_id, quantity=data["quantity"], origin=EventOrigin.from_request(request)
            )
        if "saved_for_later" in data:
            services.cart_line_save_for_later(cart=cart, line_id=line_id, saved=data["saved_for_later"])
        return self.cart_response()

    @api_docs.cart_line_detail_delete
    def delete(self, request, line_id: int):
        services.cart_line_remove(cart=self.existing_cart(), line_id=line_id, origin=EventOrigin.from_request(request))
        return self.cart_response()


# --- Checkout ----------------------------------------------------------------------------------------


class ShippingMethodListView(CartAPIView):
    @api_docs.shipping_method_list_get
    def get(self, request):
        subtotal = selectors.cart_detail(cart=selectors.cart_get(**self.owner())).subtotal
        methods = [
            {
                "code": method.code,
                "name": method.name,
                "price": method.price,
                "free_over": method.free_over,
                "price_for_cart": selectors.shipping_price(method=method, subtotal=subtotal),
                "delivery_estimate": method.delivery_estimate,
            }
            for method in selectors.shipping_method_list()
        ]
        return Response(ShippingMethodSerializer(methods, many=True).data)


class CheckoutView(CartAPIView):
    @api_docs.checkout_post
    def post(self, request):
        key = request.headers.get("Idempotency-Key")
        if key is not None and not IDEMPOTENCY_KEY_PATTERN.match(key):
            message = "Use 1 to 100 visible ASCII characters."
            raise ApplicationError(_INVALID, details={"Idempotency-Key": [message]})
        serializer = CheckoutSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data, user = serializer.validated_data, request.user
        cart = selectors.cart_get(**self.owner())
        if cart is None:
            raise ApplicationError("Your cart is empty.", code="cart_empty")
        scope = f"user:{user.pk}" if user.is_authenticated else f"session:{request.session.session_key}"
        shipping = self.address(data, "shipping")
        order = services.order_place(
            cart=cart,
            email=data.get("email") or user.email,
            shipping_address=shipping,
            billing_address=self.address(data, "billing") or shipping,
            shipping_method=selectors.shipping_method_get(code=data["shipping_method"]),
            payment_details=data["payment"],
            user=user,
            idempotency_key=f"api:{scope}:{key}" if key else None,
            source=Interaction.Source.API,
            client=ClientSignals(
                device_id=request.headers.get("X-Device-Id", "")[:64], ip=request.META.get("REMOTE_ADDR", "")
            ),
        )
        body = OrderSerializer(order).data
        return Response(body, status=status.HTTP_200_OK if order.replayed else status.HTTP_201_CREATED)

    def address(self, data: dict, kind: str) -> dict | None:
        if f"{kind}_address_id" in data:
            return address_snapshot(address=address_get(user=self.request.user, address_id=data[f"{kind}_address_id"]))
        if f"{kind}_address" in data:
            return address_snapshot(address=Address(**data[f"{kind}_address"]))
        return None
