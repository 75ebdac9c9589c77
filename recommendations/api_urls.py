"""Recommendations API routes, mounted under /api/v1/ (before the catalog's `products/` routes)."""

from django.urls import path

from recommendations import api

urlpatterns = [
    path("recommendations/for-you/", api.ForYouView.as_view(), name="recommendations-for-you"),
    path("recommendations/trending/", api.TrendingView.as_view(), name="recommendations-trending"),
    path("recommendations/cart/", api.CartView.as_view(), name="recommendations-cart"),
    path("recommendations/events/", api.EventView.as_view(), name="recommendations-events"),
    path("products/<int:pk>/similar/", api.SimilarView.as_view(), name="product-similar"),
    path("products/<int:pk>/bought-together/", api.BoughtTogetherView.as_view(), name="product-bought-together"),
]
