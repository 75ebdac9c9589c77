"""Health endpoints for load balancers and orchestrators.

`/healthz` (liveness): the process answers; it touches nothing else, so a database outage never
gets healthy web processes restarted. `/readyz` (readiness): the database, the cache and the
Celery broker answer; a 503 takes the process out of the load balancer until they do.

Written here rather than with django-health-check: three checks with a fixed JSON answer, and
that library's Celery check pings workers, which is not what a web process needs to serve.
"""

import logging
import time
import uuid

from celery import current_app
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key, value = f"readyz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was written")
    cache.delete(key)


def _check_broker() -> None:
    with current_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
@require_GET
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readiness(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers, else 503; each check's outcome and time in milliseconds."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            results[name] = {"status": "ok"}
        except Exception as error:  # any failure means "not ready"; the reason goes to the log
            logger.warning("Readiness check %s failed: %s", name, error)
            results[name] = {"status": "error", "error": type(error).__name__}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    ready = all(result["status"] == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)
