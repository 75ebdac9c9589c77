"""A database outage answers 503 (an HTML page, or the API's JSON error), never a 500 and a stack trace.

Two entry points: the middleware's `process_exception` for errors raised by views (in DEBUG too),
and `unavailable_response_for_current_error`, which the 500 handler calls so that an outage met by
any other middleware (sessions, authentication) also becomes a 503. Django reconnects by itself
once the database is back (CONN_HEALTH_CHECKS), and every write runs in a transaction, so a
request cut off by the outage leaves nothing half-written.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


def unavailable_response_for_current_error(request: HttpRequest) -> HttpResponse | None:
    """The 503 response when the exception being handled is a database outage, else None."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return unavailable_response(request)
    return None


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "error": {
                    "code": "service_unavailable",
                    "message": "The service is briefly unavailable; retry in a moment.",
                    "details": {},
                }
            },
            status=503,
        )
    else:  # rendered without a request context: no context processor may touch the database
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
