"""URLs: the admin, the pages, and the HTTP API (DESIGN.md, "HTTP API") with its schema and
docs; each app brings its own routes (``<app>/urls.py``)."""

from csp.decorators import csp_update
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.handlers import off_views_thread
from customers import urls as customers_urls
from kiosks import urls as kiosks_urls
from matching import urls as matching_urls
from stock import urls as stock_urls

api: list[URLPattern | URLResolver] = [
    *customers_urls.api_urlpatterns,
    *kiosks_urls.api_urlpatterns,
    path(
        "shops/<slug:slug>/",
        include([*stock_urls.shop_api_urlpatterns, *customers_urls.shop_api_urlpatterns]),
    ),
    *matching_urls.api_urlpatterns,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so
    # the page keeps the site's CSP; Swagger UI sets inline styles, allowed on this page.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
]


@off_views_thread("passwords")
def admin_login(request: HttpRequest) -> HttpResponse:
    return admin.site.login(request)


urlpatterns = [
    # The admin's login hashes passwords: not on the views' thread (core/handlers.py).
    path("admin/login/", admin_login),
    path("", include("reports.urls")),  # before the admin: /admin/reports/ is a page
    path("admin/", admin.site.urls),
    path("api/", include(api)),
    # Pages (templates + one small script each); they use the API above.
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("", include("mall.urls")),
    path("", include("customers.urls")),
    path("", include("stock.urls")),
]

handler404 = "core.api_errors.handler404"
handler500 = "core.api_errors.handler500"
handler400 = "core.api_errors.handler400"
handler403 = "core.api_errors.handler403"
