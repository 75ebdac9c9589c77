"""Order page URLs: the customer's orders under /account/orders/, the guest lookup under /orders/."""

from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("account/orders/", views.order_history, name="history"),
    path("account/orders/<str:number>/", views.order_detail, name="detail"),
    path("account/orders/<str:number>/cancel/", views.order_cancel, name="cancel"),
    path("orders/lookup/", views.guest_lookup, name="lookup"),
    path("orders/lookup/<str:number>/", views.guest_order_detail, name="guest_detail"),
    path("orders/lookup/<str:number>/cancel/", views.guest_order_cancel, name="guest_cancel"),
]
