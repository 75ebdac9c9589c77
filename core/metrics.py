"""Prometheus metrics: django-prometheus's request metrics plus the store's own gauges.

The store's gauges are read from the database and the broker when Prometheus scrapes (a handful
of grouped queries), so every web process reports the same truth without counters to keep in
step across processes: task queue depth here, and what the apps register (orders per status,
training runs and their last duration, the champion version each model kind serves).
"""

import ipaddress
import logging
from collections.abc import Callable, Iterable

from celery import current_app
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django_prometheus.exports import ExportToDjangoView
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

QUEUES = ("default", "gpu")

_sources: list[Callable[[], Iterable[Metric]]] = []


def metric_source_register(source: Callable[[], Iterable[Metric]]) -> None:
    """Extension point: an app adds gauges read at scrape time (`orders.metrics`, `ml.metrics`), in its
    AppConfig.ready. `core` sits below every app, so the apps bring their own numbers."""
    if source not in _sources:
        _sources.append(source)


class StoreCollector(Collector):
    """Gauges computed at scrape time; a failing source is logged and skipped, never a failed scrape."""

    def describe(self):
        """Nothing up front: registering must not query the database while apps load."""
        return []

    def collect(self):
        for source in (self._queue_depth, *_sources):
            try:
                yield from source()
            except Exception as error:  # a scrape must survive a database or broker outage
                logger.warning("Metrics source %s failed: %s", source.__name__, error)

    def _queue_depth(self):
        gauge = GaugeMetricFamily("storefront_task_queue_depth", "Messages waiting per Celery queue.", labels=["queue"])
        with current_app.connection_for_read() as connection:
            channel = connection.default_channel
            for queue in QUEUES:
                gauge.add_metric([queue], channel.queue_declare(queue=queue, passive=True).message_count)
        yield gauge


def _client_allowed(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format, for clients in METRICS_ALLOWED_NETWORKS; a 404 for anyone else."""
    if not _client_allowed(request):
        raise Http404
    return ExportToDjangoView(request)
