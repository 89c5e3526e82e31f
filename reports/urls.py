"""Report pages: mall staff's (under the admin) and each shop's."""

from django.contrib import admin
from django.urls import path

from reports import views

urlpatterns = [
    path("admin/reports/", admin.site.admin_view(views.admin_reports), name="admin-reports"),
    path(
        "admin/reports/<slug:name>.csv",
        admin.site.admin_view(views.admin_report_csv),
        name="admin-report-csv",
    ),
    path("shop/<slug:slug>/reports/", views.shop_reports, name="shop-reports"),
    path(
        "shop/<slug:slug>/reports/<slug:name>.csv",
        views.shop_report_csv,
        name="shop-report-csv",
    ),
]
