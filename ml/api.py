"""Staff API of the ML platform under /api/v1/ml/: training runs with progress, versions, releases.

Staff only (`IsAdminUser`). Views parse input, call one ml.services or ml.selectors function and
serialize the result, exactly like the admin actions. The admin's progress bars poll
`GET runs/{id}/`.
"""

from django.shortcuts import get_object_or_404
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ml import api_docs, selectors, services
from ml.models import ModelVersion, TrainingRun
from ml.serializers import (
    ModelVersionSerializer,
    PromoteSerializer,
    RegisteredModelSerializer,
    TrainingRunCreateSerializer,
    TrainingRunSerializer,
)


def _filters(request, choices) -> dict:
    """`kind` and `status` query parameters; an unknown status is a 400, not an empty list."""
    status_value = request.query_params.get("status") or None
    if status_value is not None and status_value not in dict(choices):
        raise ValidationError({"status": [f"Choose one of: {', '.join(dict(choices))}."]})
    return {"kind": request.query_params.get("kind") or None, "status": status_value}


class StaffOnly:
    permission_classes = [permissions.IsAdminUser]


@api_docs.training_run
class TrainingRunViewSet(StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TrainingRunSerializer
    filter_backends = []  # `kind` and `status` are handled by the selector

    def get_queryset(self):
        if self.action == "list":
            return selectors.training_run_list(**_filters(self.request, TrainingRun.Status.choices))
        return selectors.training_run_list()

    @api_docs.training_run_create
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


@api_docs.model_version
class ModelVersionViewSet(StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ModelVersionSerializer
    filter_backends = []

    def get_queryset(self):
        if self.action == "list":
            return selectors.model_version_list(**_filters(self.request, ModelVersion.Status.choices))
        return selectors.model_version_list()

    @api_docs.model_version_promote
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        payload = PromoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = services.model_version_promote(
            version=self.get_object(), user=request.user, reason=payload.validated_data["reason"]
        )
        return Response(ModelVersionSerializer(self.get_queryset().get(pk=version.pk)).data)


@api_docs.registered_model
class RegisteredModelViewSet(StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RegisteredModelSerializer
    lookup_field = "name"
    filter_backends = []

    def get_queryset(self):
        return selectors.registered_model_list()

    @api_docs.registered_model_rollback
    @action(detail=True, methods=["post"])
    def rollback(self, request, name=None):
        version = services.registered_model_rollback(registered_model=self.get_object(), user=request.user)
        return Response(ModelVersionSerializer(get_object_or_404(selectors.model_version_list(), pk=version.pk)).data)
