"""Recommendations page routes: the one-click bundle add of "Frequently bought together"."""

from django.urls import path

from checkout import views as checkout_views

app_name = "recommendations"

urlpatterns = [
    path("cart/add-bundle/", checkout_views.cart_add_bundle, name="bundle_add"),
]
