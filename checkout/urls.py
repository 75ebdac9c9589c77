"""Cart and checkout pages."""

from django.urls import path

from checkout import views

app_name = "checkout"

urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("cart/remove/", views.cart_remove, name="cart_remove"),
    path("cart/save-for-later/", views.cart_save_for_later, name="cart_save_for_later"),
    path("cart/move-to-cart/", views.cart_move_to_cart, name="cart_move_to_cart"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/done/<str:number>/", views.done, name="done"),
]
