"""Routes of the privacy API, mounted at /api/v1/ (before the API's catch-all 404)."""

from django.urls import path

from privacy import api

urlpatterns = [
    path("privacy/exports/", api.ExportCreateView.as_view(), name="privacy-export-create"),
    path("privacy/exports/<uuid:public_id>/", api.ExportView.as_view(), name="privacy-export"),
    path(
        "privacy/exports/<uuid:public_id>/download/", api.ExportDownloadView.as_view(), name="privacy-export-download"
    ),
    path("privacy/consent/", api.ConsentView.as_view(), name="privacy-consent"),
]
