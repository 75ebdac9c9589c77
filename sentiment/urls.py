"""Sentiment page routes."""

urlpatterns = []
