"""Orders API under /api/v1/: a customer's own orders (list, detail, cancel) and staff fulfilment.

Views parse input, call one orders.selectors or orders.services function and serialize the result,
exactly like the order pages and the admin actions. Another customer's order is a 404, never a 403,
so order numbers cannot be probed. A move the workflow forbids (shipping a cancelled order,
cancelling a shipped one) is a 409 with the code `invalid_transition`.
"""

from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import StorefrontPagination
from orders import api_docs, selectors, services
from orders.api_docs import NUMBER_REGEX
from orders.serializers import (
    OrderCancelSerializer,
    OrderListSerializer,
    OrderRefundSerializer,
    OrderSerializer,
    OrderShipSerializer,
    StaffOrderFilterSerializer,
    StaffOrderSerializer,
)
from privacy.selectors import personal_data_masked


def _paginated(request, queryset, serializer_class, view) -> Response:
    paginator = StorefrontPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class OrderViewSet(viewsets.ViewSet):
    """The signed-in customer's own orders."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = StorefrontPagination
    lookup_field = "number"
    lookup_value_regex = NUMBER_REGEX

    @api_docs.order_list
    def list(self, request):
        return _paginated(request, selectors.orders_for_user(user=request.user), OrderListSerializer, self)

    @api_docs.order_retrieve
    def retrieve(self, request, number):
        return Response(OrderSerializer(selectors.order_for_customer(user=request.user, number=number)).data)

    @api_docs.order_cancel
    @action(detail=True, methods=["post"])
    def cancel(self, request, number):
        payload = OrderCancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = selectors.order_for_customer(user=request.user, number=number)
        services.order_cancel(order=order, by=request.user, reason=payload.validated_data["reason"])
        return Response(OrderSerializer(selectors.order_for_customer(user=request.user, number=number)).data)


class IsFulfilmentStaff(permissions.BasePermission):
    """Staff may read every order; changing one also needs the "change order" permission, as in the admin."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return request.method in permissions.SAFE_METHODS or user.has_perm("orders.change_order")


SHIPPING = {"shipping_address": "privacy.view_shipping_address"}  # fulfilment ships to it


class StaffOrderViewSet(viewsets.ViewSet):
    """Order fulfilment for staff: find orders, ship, mark delivered, refund."""

    permission_classes = [IsFulfilmentStaff]
    pagination_class = StorefrontPagination
    lookup_field = "number"
    lookup_value_regex = NUMBER_REGEX

    @api_docs.staff_order_list
    def list(self, request):
        filters = StaffOrderFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return _paginated(request, selectors.orders_for_staff(**filters.validated_data), OrderListSerializer, self)

    @api_docs.staff_order_retrieve
    def retrieve(self, request, number):
        return self._respond(request, number)

    @staticmethod
    def _respond(request, number: str) -> Response:
        """The order as it is now, re-read with its lines and history; the customer's contact and
        addresses masked for roles that do not need them (fulfilment sees the shipping address)."""
        data = StaffOrderSerializer(selectors.order_detail(number=number)).data
        return Response(
            personal_data_masked(data=data, model="orders.Order", user=request.user, unmasked_with=SHIPPING)
        )

    @api_docs.staff_order_ship
    @action(detail=True, methods=["post"])
    def ship(self, request, number):
        payload = OrderShipSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = selectors.order_detail(number=number)
        services.order_ship(order=order, tracking_number=payload.validated_data["tracking_number"], by=request.user)
        return self._respond(request, number)

    @api_docs.staff_order_deliver
    @action(detail=True, methods=["post"])
    def deliver(self, request, number):
        services.order_deliver(order=selectors.order_detail(number=number), by=request.user)
        return self._respond(request, number)

    @api_docs.staff_order_refund
    @action(detail=True, methods=["post"])
    def refund(self, request, number):
        payload = OrderRefundSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.order_refund(
            order=selectors.order_detail(number=number),
            lines=payload.validated_data.get("lines"),
            by=request.user,
            reason=payload.validated_data["reason"],
            restock=payload.validated_data["restock"],
        )
        return self._respond(request, number)
