"""The ML platform's Prometheus gauges, registered with core.metrics in MlConfig.ready."""

from django.db.models import Count, F, Max
from prometheus_client.core import GaugeMetricFamily

from ml.models import ModelAlias, TrainingRun


def training_gauges():
    """Training runs by kind and status, and the duration of each kind's last finished run."""
    runs = GaugeMetricFamily("storefront_training_runs", "Training runs by kind and status.", labels=["kind", "status"])
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


def champion_gauges():
    """The version number of the champion each model kind serves."""
    gauge = GaugeMetricFamily(
        "storefront_model_champion_version", "Version number of the champion each model kind serves.", labels=["kind"]
    )
    champions = ModelAlias.objects.filter(name=ModelAlias.Name.CHAMPION).values("registered_model__name")
    for row in champions.annotate(number=Max("version__number")):
        gauge.add_metric([row["registered_model__name"]], row["number"])
    yield gauge
