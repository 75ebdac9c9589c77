"""Pricing staff API routes, mounted under /api/v1/."""

from django.urls import path

from pricing import api

urlpatterns = [
    path("pricing/suggestions/", api.SuggestionListView.as_view(), name="pricing-suggestions"),
    path("pricing/suggestions/approve/", api.ApproveView.as_view(), name="pricing-suggestions-approve"),
    path("pricing/suggestions/<int:pk>/", api.SuggestionDetailView.as_view(), name="pricing-suggestion-detail"),
    path("pricing/history/", api.PriceHistoryView.as_view(), name="pricing-history"),
]
