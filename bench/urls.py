"""The site's URLs plus `/bench/ceiling/`: a few KB of HTML with no database work, served by the
same gunicorn configuration, so page throughput can be reported as a share of this ceiling."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

CEILING_HTML = (
    "<!doctype html><html><head><title>Ceiling</title></head><body>" + "<p>Storefront</p>" * 250 + "</body></html>"
)


def ceiling(request):
    return HttpResponse(CEILING_HTML)


urlpatterns = [path("bench/ceiling/", ceiling), *site_urlpatterns]
