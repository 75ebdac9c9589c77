"""The customer's privacy pages, under /account/privacy/."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.data, name="data"),
    path("consent/", views.consent, name="consent"),
    path("exports/", views.export_create, name="export_create"),
    path("exports/<uuid:public_id>/", views.export_download, name="export_download"),
]
