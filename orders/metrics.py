"""The orders app's Prometheus gauges, registered with core.metrics in OrdersConfig.ready."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from orders.models import Order


def order_gauges():
    """Orders by status."""
    gauge = GaugeMetricFamily("storefront_orders", "Orders by status.", labels=["status"])
    for row in Order.objects.values("status").annotate(n=Count("id")):
        gauge.add_metric([row["status"]], row["n"])
    yield gauge
