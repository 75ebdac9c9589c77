"""OpenAPI documentation of the privacy API (`@api_docs.<view>_<method>` on privacy.api's views)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema

from core.api import THROTTLED_RESPONSE, error_example, error_response
from privacy.serializers import ConsentSerializer, ExportJobSerializer

UNAUTHENTICATED = error_response(
    "No valid token or session.",
    error_example("Not signed in", code="not_authenticated", message="Authentication credentials were not provided."),
)
NOT_FOUND = error_response(
    "No export of yours with this id, or it is not available (still building, failed or expired).",
    error_example("Unknown", code="export_not_found", message="No such export."),
    error_example(
        "Expired", code="export_unavailable", message="This export is not available: still building, failed or expired."
    ),
)
_JOB = {
    "id": "5d3c1f0e-8a5b-4c1e-9a59-2f0a3c3b9e11",
    "status": "ready",
    "created_at": "2026-12-06T09:30:00Z",
    "finished_at": "2026-12-06T09:30:04Z",
    "expires_at": "2026-12-09T09:30:04Z",
    "download_url": "/api/v1/privacy/exports/5d3c1f0e-8a5b-4c1e-9a59-2f0a3c3b9e11/download/",
}

export_create_post = extend_schema(
    summary="Request a download of all your data",
    description=(
        "Starts building a zip of JSON files, one per area (profile, addresses, orders, reviews, wishlist, chats "
        "and tickets, consents, recommendation history, events). Answers 202 with the job; poll it until "
        "`status` is `ready`, then fetch `download_url` (available for a limited time, to you only)."
    ),
    request=None,
    responses={202: ExportJobSerializer, 401: UNAUTHENTICATED, 429: THROTTLED_RESPONSE},
    examples=[OpenApiExample("Queued", response_only=True, value={**_JOB, "status": "pending", "download_url": None})],
)

export_get = extend_schema(
    summary="Get a data export's status",
    responses={200: ExportJobSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND, 429: THROTTLED_RESPONSE},
    examples=[OpenApiExample("Ready", response_only=True, value=_JOB)],
)

export_download_get = extend_schema(
    summary="Download a data export",
    responses={
        (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The zip."),
        401: UNAUTHENTICATED,
        404: NOT_FOUND,
        429: THROTTLED_RESPONSE,
    },
)

consent_get = extend_schema(
    summary="Get your marketing consent and its history",
    responses={200: ConsentSerializer, 401: UNAUTHENTICATED, 429: THROTTLED_RESPONSE},
    examples=[
        OpenApiExample(
            "Given",
            response_only=True,
            value={
                "marketing_email": True,
                "history": [
                    {"purpose": "marketing_email", "given": True, "source": "api", "at": "2026-12-06T09:30:00Z"}
                ],
            },
        )
    ],
)

consent_put = extend_schema(
    summary="Give or withdraw marketing consent",
    request=ConsentSerializer,
    responses={
        200: ConsentSerializer,
        400: error_response(
            "`marketing_email` missing or not a boolean.",
            error_example(
                "Missing",
                code="invalid",
                message="The request has invalid fields.",
                details={"marketing_email": ["This field is required."]},
            ),
        ),
        401: UNAUTHENTICATED,
        429: THROTTLED_RESPONSE,
    },
    examples=[OpenApiExample("Withdraw", request_only=True, value={"marketing_email": False})],
)
