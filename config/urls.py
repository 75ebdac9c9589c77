"""Top-level URL map: the storefront, the back office and the versioned API."""

from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.views import APIView

from core import health
from core.metrics import metrics_view

SWAGGER_STYLES = {"style-src": ["'self'", "'unsafe-inline'"]}


@extend_schema(exclude=True)
class UnknownEndpointView(APIView):
    """Any other path under the API: a 404 in the API's error shape instead of the website's HTML page."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound("No such endpoint.")


urlpatterns = [
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/ml/", include("ml.urls")),
    path("api/v1/", include("recommendations.api_urls")),
    path("api/v1/", include("pricing.api_urls")),
    path("api/v1/", include("support.api_urls")),
    path("api/v1/", include("sentiment.api_urls")),
    path("api/v1/", include("orders.api_urls")),
    path("api/v1/", include("accounts.api_urls")),
    path("api/v1/", include("checkout.api_urls")),
    path("api/v1/", include("shop.api_urls")),
    path("api/v1/", include("privacy.api_urls")),
    # Last of the API: every other path under it answers with a JSON 404 in the API's error shape
    # (not the website's HTML page).
    path("api/v1/", include([re_path(r"^.*/$", UnknownEndpointView.as_view(), name="unknown-endpoint")])),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's page has one inline <style> block: allowed there, for styles only (its script is a file).
    path(
        "api/docs/",
        csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("", include("recommendations.urls")),
    path("", include("orders.urls")),
    path("account/privacy/", include("privacy.urls")),
    path("account/", include("accounts.urls")),
    path("", include("checkout.urls")),
    path("", include("shop.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"
