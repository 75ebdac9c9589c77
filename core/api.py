"""API conventions shared by every app: the error format, its schema, and pagination.

Every error response has the shape
    {"error": {"code": "...", "message": "...", "details": {...field errors...}}}
so clients need one parser for validation errors, business-rule errors, 404s and throttling.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError

MAX_PAGE_SIZE = 100


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(
            {"error": {"code": exc.code, "message": exc.message, "details": exc.details}},
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        details = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        body = {"code": "invalid", "message": "The request has invalid fields.", "details": details}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = getattr(detail, "code", None) or exc.default_code
        body = {"code": code, "message": str(detail), "details": {}}
    response.data = {"error": body}
    return response


# --- The error shape in the OpenAPI schema -----------------------------------------------------


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code: `invalid`, `not_found`, `throttled`...")
    message = serializers.CharField(help_text="What went wrong, for people.")
    details = serializers.DictField(
        help_text="For `invalid`: field name -> list of messages. Other codes: extra facts, often empty."
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    error = ErrorBodySerializer()


def error_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description, examples=list(examples))


def error_example(name: str, *, code: str, message: str, details: dict | None = None) -> OpenApiExample:
    return OpenApiExample(name, value={"error": {"code": code, "message": message, "details": details or {}}})


THROTTLED_RESPONSE = error_response(
    "Too many requests; retry after the number of seconds in the `Retry-After` header.",
    error_example("Throttled", code="throttled", message="Request was throttled. Expected available in 42 seconds."),
)
INVALID_PAGE_EXAMPLE = error_example(
    "Bad page parameters",
    code="invalid",
    message="The request has invalid fields.",
    details={"page": ["Ensure this value is greater than or equal to 1."]},
)


# --- Pagination ----------------------------------------------------------------------------------


class PageParamsSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, default=1, help_text="1-based page number.")
    page_size = serializers.IntegerField(
        min_value=1, max_value=MAX_PAGE_SIZE, required=False, help_text=f"Results per page, 1 to {MAX_PAGE_SIZE}."
    )


class StorefrontPagination(PageNumberPagination):
    """Page-number pagination that answers a bad `page` or `page_size` with a 400 and field errors.

    DRF's own class silently replaces an invalid or too large `page_size` with the default, which
    hides client bugs; here both parameters go through a serializer instead.
    """

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()

    def page_params(self, request) -> tuple[int, int]:
        """The requested (page, page_size); raises a ValidationError for bad values."""
        params = PageParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data["page"], params.validated_data.get("page_size", self.page_size)

    def get_page_size(self, request):
        return self.page_params(request)[1]

    def get_page_number(self, request, paginator):
        return self.page_params(request)[0]

    def use_page(self, page: Page, request) -> None:
        """Adopt a page that a selector has already cut, so that the next/previous links follow it."""
        self.page, self.request = page, request

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


NOT_AUTHENTICATED_RESPONSE = error_response(
    "Not signed in, or the token is invalid: send `Authorization: Token <key>` or a session cookie.",
    error_example("Not signed in", code="not_authenticated", message="Authentication credentials were not provided."),
    error_example("Invalid token", code="authentication_failed", message="Invalid token."),
)
