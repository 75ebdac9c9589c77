"""Shapes of the staff ML API (ml.api)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ml import kinds
from ml.models import ModelVersion, RegisteredModel, TrainingRun


class VersionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelVersion
        fields = ["id", "number", "status"]


class TrainingRunSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="registered_model.name")
    requested_by = serializers.CharField(source="requested_by.username", default=None)
    version = serializers.SerializerMethodField()

    class Meta:
        model = TrainingRun
        fields = [
            "id",
            "kind",
            "status",
            "stage",
            "percent",
            "stage_seconds",
            "params",
            "error",
            "log",
            "version",
            "trigger",
            "requested_by",
            "task_id",
            "attempts",
            "created_at",
            "started_at",
            "heartbeat_at",
            "finished_at",
        ]

    @extend_schema_field(VersionRefSerializer(allow_null=True))
    def get_version(self, run: TrainingRun) -> dict | None:
        version = getattr(run, "version", None)
        return None if version is None else VersionRefSerializer(version).data


class TrainingRunCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="A registered model kind, e.g. `popularity`.")
    params = serializers.DictField(
        required=False, default=dict, help_text="Overrides of the kind's default parameters (see its versions' params)."
    )

    def validate_kind(self, value: str) -> str:
        if value not in kinds.kind_names():
            raise serializers.ValidationError(f"Unknown kind. Choose one of: {', '.join(kinds.kind_names())}.")
        return value


class ModelVersionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="registered_model.name")
    is_champion = serializers.BooleanField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None)

    class Meta:
        model = ModelVersion
        fields = [
            "id",
            "kind",
            "number",
            "status",
            "status_reason",
            "is_champion",
            "main_metric",
            "metrics",
            "params",
            "data_window_start",
            "data_window_end",
            "row_counts",
            "device",
            "stage_seconds",
            "code_version",
            "artifact_path",
            "artifact_sha256",
            "artifact_bytes",
            "load_error",
            "run",
            "created_by",
            "created_at",
        ]


class RegisteredModelSerializer(serializers.ModelSerializer):
    champion_id = serializers.IntegerField(read_only=True, allow_null=True)
    champion_number = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = RegisteredModel
        fields = ["name", "title", "champion_id", "champion_number", "created_at"]


class PromoteSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, default="", max_length=500, help_text="Recorded in the champion history."
    )
