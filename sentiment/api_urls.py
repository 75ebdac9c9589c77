"""Sentiment API routes, mounted under /api/v1/ (before the catalog's `products/` routes)."""

from django.urls import path

from sentiment import api

urlpatterns = [
    path("products/<int:pk>/sentiment/", api.ProductSentimentView.as_view(), name="product-sentiment"),
    path("sentiment/score/", api.ScoreView.as_view(), name="sentiment-score"),
]
