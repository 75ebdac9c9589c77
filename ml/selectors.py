"""Reads of the model registry, for the admin, the API and the loader."""

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from ml.models import ModelAlias, ModelVersion, RegisteredModel, TrainingRun


def training_run_list(*, kind: str | None = None, status: str | None = None) -> QuerySet[TrainingRun]:
    runs = TrainingRun.objects.select_related("registered_model", "requested_by", "version")
    if kind:
        runs = runs.filter(registered_model__name=kind)
    if status:
        runs = runs.filter(status=status)
    return runs


def model_version_list(*, kind: str | None = None, status: str | None = None) -> QuerySet[ModelVersion]:
    """Versions, newest first, each annotated with `is_champion`."""
    champion = ModelAlias.objects.filter(version=OuterRef("pk"), name=ModelAlias.Name.CHAMPION)
    versions = (
        ModelVersion.objects.select_related("registered_model", "created_by")
        .annotate(is_champion=Exists(champion))
        .order_by("-created_at", "-id")
    )
    if kind:
        versions = versions.filter(registered_model__name=kind)
    if status:
        versions = versions.filter(status=status)
    return versions


def registered_model_list() -> QuerySet[RegisteredModel]:
    """Registered models with `champion_id` and `champion_number` (None before the first release)."""
    champion = ModelAlias.objects.filter(registered_model=OuterRef("pk"), name=ModelAlias.Name.CHAMPION)
    return RegisteredModel.objects.annotate(
        champion_id=Subquery(champion.values("version_id")[:1]),
        champion_number=Subquery(champion.values("version__number")[:1]),
    )


def champion_version(*, registered_model: RegisteredModel) -> ModelVersion | None:
    alias = (
        ModelAlias.objects.select_related("version")
        .filter(registered_model=registered_model, name=ModelAlias.Name.CHAMPION)
        .first()
    )
    return alias.version if alias else None


def champion_artifact(*, kind: str) -> dict | None:
    """What the loader needs about a kind's champion, in one indexed query; None without a champion."""
    return (
        ModelAlias.objects.filter(registered_model__name=kind, name=ModelAlias.Name.CHAMPION)
        .values(
            "version_id",
            number=F("version__number"),
            path=F("version__artifact_path"),
            sha256=F("version__artifact_sha256"),
            load_error=F("version__load_error"),
        )
        .first()
    )


def kinds_needing_training(*, names: list[str]) -> list[str]:
    """Of `names`, the kinds with no champion and no run queued or running (first start of a store)."""
    served = set(
        ModelAlias.objects.filter(name=ModelAlias.Name.CHAMPION, registered_model__name__in=names).values_list(
            "registered_model__name", flat=True
        )
    )
    pending = set(
        TrainingRun.objects.filter(
            registered_model__name__in=names, status__in=[TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING]
        ).values_list("registered_model__name", flat=True)
    )
    return [name for name in names if name not in served | pending]
