"""Pricing page routes."""

urlpatterns = []
