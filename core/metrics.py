"""Prometheus metrics: django-prometheus's request metrics plus the store's own gauges.

The store's gauges are read from the database and the broker when Prometheus scrapes (a handful
of grouped queries), so every web process reports the same truth without counters to keep in
step across processes: orders per status, task queue depth, training runs and their last
duration, and the champion version each model kind serves.
"""

import ipaddress
import logging

from django.conf import settings
from django.db.models import Count, F, Max
from django.http import Http404, HttpRequest, HttpResponse
from django_prometheus.exports import ExportToDjangoView
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

QUEUES = ("default", "gpu")


class StoreCollector(Collector):
    """Gauges computed at scrape time; a failing source is logged and skipped, never a failed scrape."""

    def describe(self):
        """Nothing up front: registering must not query the database while apps load."""
        return []

    def collect(self):
        for source in (self._orders, self._queue_depth, self._training, self._champions):
            try:
                yield from source()
            except Exception as error:  # a scrape must survive a database or broker outage
                logger.warning("Metrics source %s failed: %s", source.__name__, error)

    def _orders(self):
        from orders.models import Order

        gauge = GaugeMetricFamily("storefront_orders", "Orders by status.", labels=["status"])
        for row in Order.objects.values("status").annotate(n=Count("id")):
            gauge.add_metric([row["status"]], row["n"])
        yield gauge

    def _queue_depth(self):
        from config.celery import app

        gauge = GaugeMetricFamily("storefront_task_queue_depth", "Messages waiting per Celery queue.", labels=["queue"])
        with app.connection_for_read() as connection:
            channel = connection.default_channel
            for queue in QUEUES:
                gauge.add_metric([queue], channel.queue_declare(queue=queue, passive=True).message_count)
        yield gauge

    def _training(self):
        from ml.models import TrainingRun

        runs = GaugeMetricFamily(
            "storefront_training_runs", "Training runs by kind and status.", labels=["kind", "status"]
        )
        for row in TrainingRun.objects.values("registered_model__name", "status").annotate(n=Count("id")):
            runs.add_metric([row["registered_model__name"], row["status"]], row["n"])
        yield runs
        duration = GaugeMetricFamily(
            "storefront_training_last_duration_seconds", "Duration of the last finished training run.", labels=["kind"]
        )
        finished = (
            TrainingRun.objects.filter(finished_at__isnull=False, started_at__isnull=False)
            .order_by("registered_model__name", "-finished_at")
            .distinct("registered_model__name")
            .annotate(kind=F("registered_model__name"))
        )
        for run in finished:
            duration.add_metric([run.kind], (run.finished_at - run.started_at).total_seconds())
        yield duration

    def _champions(self):
        from ml.models import ModelAlias

        gauge = GaugeMetricFamily(
            "storefront_model_champion_version",
            "Version number of the champion each model kind serves.",
            labels=["kind"],
        )
        champions = ModelAlias.objects.filter(name=ModelAlias.Name.CHAMPION).values("registered_model__name")
        for row in champions.annotate(number=Max("version__number")):
            gauge.add_metric([row["registered_model__name"]], row["number"])
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
