"""Recommendations page routes."""

urlpatterns = []
