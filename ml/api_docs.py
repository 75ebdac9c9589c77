"""OpenAPI documentation of the ml API: summaries, descriptions, parameters, responses and
examples, as decorators that `ml.api` puts on its views (`@api_docs.<view>` on a view class,
`@api_docs.<view>_<method>` on one method).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from core.api import error_example, error_response
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


# --- TrainingRunViewSet -----------------------------------------------------------------------------

training_run = extend_schema_view(
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

training_run_create = extend_schema(
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

# --- ModelVersionViewSet ----------------------------------------------------------------------------

model_version = extend_schema_view(
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

model_version_promote = extend_schema(
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

# --- RegisteredModelViewSet -------------------------------------------------------------------------

registered_model = extend_schema_view(
    list=extend_schema(
        summary="List registered models", responses={200: RegisteredModelSerializer(many=True), 403: FORBIDDEN}
    ),
    retrieve=extend_schema(
        summary="A registered model", responses={200: RegisteredModelSerializer, 403: FORBIDDEN, 404: NOT_FOUND}
    ),
)

registered_model_rollback = extend_schema(
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
