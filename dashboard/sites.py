"""The store's admin site: the dashboard as its home page, models grouped by what staff do, the reports.

Installed as Django's default site (dashboard.apps.StoreAdminConfig), so every app's
`admin.register` lands here unchanged.
"""

from functools import partial

from django.conf import settings
from django.contrib import admin
from django.urls import path, reverse

from dashboard import groups, reports, views, widgets


class StoreAdminSite(admin.AdminSite):
    site_header = f"{settings.SHOP_NAME} back office"
    site_title = f"{settings.SHOP_NAME} back office"
    index_title = "Dashboard"
    index_template = "admin/dashboard/index.html"

    def index(self, request, extra_context=None):
        context = {
            "dashboard": widgets.dashboard_for(request.user),
            "reports": reports.reports_for(request.user),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def get_app_list(self, request, app_label=None):
        """Grouped (dashboard.groups) everywhere but on one app's own page."""
        app_list = super().get_app_list(request, app_label)
        if app_label:
            return app_list
        return groups.app_list_grouped(app_list, index_url=reverse("admin:index", current_app=self.name))

    def get_urls(self):
        report = self.admin_view(partial(views.report_view, site=self))
        return [path("reports/<slug:slug>/", report, name="dashboard_report"), *super().get_urls()]
