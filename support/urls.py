"""Support page routes."""

urlpatterns = []
