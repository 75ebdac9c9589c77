"""Routes of the cart and checkout API, mounted at /api/v1/ (before the API's catch-all 404)."""

from django.urls import path

from checkout import api

urlpatterns = [
    path("cart/", api.CartView.as_view(), name="api-cart"),
    path("cart/lines/", api.CartLineListView.as_view(), name="api-cart-lines"),
    path("cart/lines/<int:line_id>/", api.CartLineDetailView.as_view(), name="api-cart-line"),
    path("checkout/shipping-methods/", api.ShippingMethodListView.as_view(), name="api-shipping-methods"),
    path("checkout/", api.CheckoutView.as_view(), name="api-checkout"),
]
