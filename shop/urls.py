"""Storefront page URLs."""

from django.urls import path

from shop import views

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<slug:slug>/", views.product, name="product"),
    path("p/<slug:slug>/review/", views.review_form, name="review_form"),
    path("reviews/<int:pk>/helpful/", views.review_helpful, name="review_helpful"),
    path("wishlist/", views.wishlist, name="wishlist"),
    path("wishlist/<slug:slug>/add/", views.wishlist_add, name="wishlist_add"),
    path("wishlist/<slug:slug>/remove/", views.wishlist_remove, name="wishlist_remove"),
    path("search/", views.search, name="search"),
    path("search/autocomplete/", views.autocomplete, name="autocomplete"),
]
