"""Staff API of the ML platform under /api/v1/ml/: training runs with progress, versions, releases.

Staff only (`IsAdminUser`). Views parse input, call one ml.services or ml.selectors function and
serialize the result, exactly like the admin actions. The admin's progress bars poll
`GET runs/{id}/`.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api import error_example, error_response
from ml import selectors, services
from ml.models import ModelVersion, TrainingRun
from ml.serializers import (
    ModelVersionSerializer,
    PromoteSerializer,
    RegisteredModelSerializer,
    TrainingRunCreateSerializer,
    TrainingRunSerializer,
)

FORBIDDEN = error_response(
    "Not signed in as staff.",
    error_example("Not staff", code="permission_denied", message="You do not have permission to perform this action."),
)
NOT_FOUND = error_response("No such object.", error_example("Unknown", code="not_found", message="Not found."))
KIND_FILTER = OpenApiParameter("kind", OpenApiTypes.STR, description="Only this model kind, e.g. `popularity`.")


def _status_filter(choices) -> OpenApiParameter:
    return OpenApiParameter(
        "status", OpenApiTypes.STR, enum=[value for value, _ in choices], description="Only this status."
    )


def _filters(request, choices) -> dict:
    """`kind` and `status` query parameters; an unknown status is a 400, not an empty list."""
    status_value = request.query_params.get("status") or None
    if status_value is not None and status_value not in dict(choices):
        raise ValidationError({"status": [f"Choose one of: {', '.join(dict(choices))}."]})
    return {"kind": request.query_params.get("kind") or None, "status": status_value}


class StaffOnly:
    permission_classes = [permissions.IsAdminUser]


@extend_schema_view(
    list=extend_schema(
        summary="List training runs",
        description="Newest first, with their progress.",
        parameters=[KIND_FILTER, _status_filter(TrainingRun.Status.choices)],
        responses={200: TrainingRunSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A training run with its progress",
        description="Stage, percent, timings, log and the version it produced; poll it while the run is unfinished.",
        responses={200: TrainingRunSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class TrainingRunViewSet(StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TrainingRunSerializer
    filter_backends = []  # `kind` and `status` are handled by the selector

    def get_queryset(self):
        if self.action == "list":
            return selectors.training_run_list(**_filters(self.request, TrainingRun.Status.choices))
        return selectors.training_run_list()

    @extend_schema(
        summary="Start a training run",
        description="Queues a training of `kind` for a worker on the `gpu` queue and answers at once with the run.",
        request=TrainingRunCreateSerializer,
        responses={
            202: TrainingRunSerializer,
            400: error_response(
                "Unknown kind or parameter.",
                error_example(
                    "Unknown kind",
                    code="invalid",
                    message="The request has invalid fields.",
                    details={"kind": ["Unknown kind. Choose one of: popularity."]},
                ),
            ),
            403: FORBIDDEN,
        },
    )
    def create(self, request):
        payload = TrainingRunCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        run = services.training_run_enqueue(
            kind=payload.validated_data["kind"],
            params=payload.validated_data["params"],
            trigger=TrainingRun.Trigger.API,
            requested_by=request.user,
        )
        return Response(TrainingRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(
        summary="List model versions",
        description="Newest first, with metrics, data window, device and artifact checksum.",
        parameters=[KIND_FILTER, _status_filter(ModelVersion.Status.choices)],
        responses={200: ModelVersionSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A model version", responses={200: ModelVersionSerializer, 403: FORBIDDEN, 404: NOT_FOUND}
    ),
)
class ModelVersionViewSet(StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ModelVersionSerializer
    filter_backends = []

    def get_queryset(self):
        if self.action == "list":
            return selectors.model_version_list(**_filters(self.request, ModelVersion.Status.choices))
        return selectors.model_version_list()

    @extend_schema(
        summary="Promote a version to champion",
        description="Web processes serve it within ML_CHAMPION_CHECK_SECONDS. Only `ready` versions can be promoted.",
        request=PromoteSerializer,
        responses={
            200: ModelVersionSerializer,
            400: error_response(
                "The version cannot be promoted.",
                error_example(
                    "Not ready",
                    code="version_not_ready",
                    message="Only ready versions can be promoted; popularity v3 is failed.",
                ),
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        payload = PromoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = services.model_version_promote(
            version=self.get_object(), user=request.user, reason=payload.validated_data["reason"]
        )
        return Response(ModelVersionSerializer(self.get_queryset().get(pk=version.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="List registered models", responses={200: RegisteredModelSerializer(many=True), 403: FORBIDDEN}
    ),
    retrieve=extend_schema(
        summary="A registered model", responses={200: RegisteredModelSerializer, 403: FORBIDDEN, 404: NOT_FOUND}
    ),
)
class RegisteredModelViewSet(StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RegisteredModelSerializer
    lookup_field = "name"
    filter_backends = []

    def get_queryset(self):
        return selectors.registered_model_list()

    @extend_schema(
        summary="Roll back to the previous champion",
        description="Makes the version that was champion before the current one the champion again.",
        request=None,
        responses={
            200: ModelVersionSerializer,
            400: error_response(
                "There is nothing to roll back to.",
                error_example(
                    "First champion",
                    code="no_previous_champion",
                    message="popularity v1 was the first champion of popularity; there is nothing to roll back to.",
                ),
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def rollback(self, request, name=None):
        version = services.registered_model_rollback(registered_model=self.get_object(), user=request.user)
        return Response(ModelVersionSerializer(get_object_or_404(selectors.model_version_list(), pk=version.pk)).data)
