from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard and reports"


class StoreAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the store's site (dashboard, grouped models, reports) as the default site;
    listed in INSTALLED_APPS in place of "django.contrib.admin"."""

    default = False  # "dashboard" alone still means DashboardConfig
    default_site = "dashboard.sites.StoreAdminSite"
