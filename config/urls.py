"""URLs: the admin, the HTTP API (DESIGN.md, "HTTP API") and its schema and docs."""

from csp.decorators import csp_update
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.handlers import off_views_thread
from customers import apis as customer_apis
from kiosks import apis as kiosk_apis
from mall import views as mall_views
from matching import apis as matching_apis
from stock import apis as stock_apis

shop_api = [
    path("stock/", stock_apis.StockListApi.as_view(), name="shop-stock"),
    path("stock/<int:item_id>/", stock_apis.StockDetailApi.as_view(), name="shop-stock-item"),
    path(
        "stock/by-barcode/<str:barcode>/",
        stock_apis.StockByBarcodeApi.as_view(),
        name="shop-stock-barcode",
    ),
    path("sales/", stock_apis.SaleCreateApi.as_view(), name="shop-sales"),
    path("holds/", stock_apis.ShopHoldsApi.as_view(), name="shop-holds"),
    path("holds/<int:hold_id>/", stock_apis.ShopHoldDetailApi.as_view(), name="shop-hold"),
    path("alternatives/", stock_apis.ShopAlternativesApi.as_view(), name="shop-alternatives"),
    path("cards/<str:code>/take/", stock_apis.CardTakeApi.as_view(), name="shop-card-take"),
    path("shares/", customer_apis.ShopSharesApi.as_view(), name="shop-shares"),
    path("requests/", customer_apis.ShopRequestsApi.as_view(), name="shop-requests"),
    path(
        "requests/<int:request_id>/reply/",
        customer_apis.ShopRequestReplyApi.as_view(),
        name="shop-request-reply",
    ),
    path("customers/<str:code>/", customer_apis.ShopCustomerApi.as_view(), name="shop-customer"),
    path(
        "customers/<str:code>/face/",
        customer_apis.ShopCustomerFaceApi.as_view(),
        name="shop-customer-face",
    ),
    path(
        "customers/<str:code>/desires/<int:desire_id>/",
        customer_apis.ShopDesireNoteApi.as_view(),
        name="shop-customer-desire",
    ),
]

api = [
    path("customers/", customer_apis.CustomerRegisterApi.as_view(), name="customer-register"),
    path("me/", customer_apis.MeApi.as_view(), name="me"),
    path("me/checkins/", customer_apis.MeCheckinsApi.as_view(), name="me-checkins"),
    path("me/departures/", customer_apis.MeDeparturesApi.as_view(), name="me-departures"),
    path("me/shares/", customer_apis.MeSharesApi.as_view(), name="me-shares"),
    path("me/shares/<slug:slug>/", customer_apis.MeShareDetailApi.as_view(), name="me-share"),
    path("me/holds/", customer_apis.MeHoldsApi.as_view(), name="me-holds"),
    path("me/holds/<int:hold_id>/", customer_apis.MeHoldDetailApi.as_view(), name="me-hold"),
    path(
        "me/alternatives/<int:alternative_id>/",
        customer_apis.MeAlternativeDetailApi.as_view(),
        name="me-alternative",
    ),
    path(
        "me/alternatives/<int:alternative_id>/accept/",
        customer_apis.MeAlternativeAcceptApi.as_view(),
        name="me-alternative-accept",
    ),
    path("me/requests/", customer_apis.MeRequestsApi.as_view(), name="me-requests"),
    path("kiosk/", kiosk_apis.KioskSelfApi.as_view(), name="kiosk-self"),
    path("kiosk/sightings/", kiosk_apis.SightingApi.as_view(), name="kiosk-sightings"),
    path("kiosk/departures/", kiosk_apis.DepartureApi.as_view(), name="kiosk-departures"),
    path("shops/<slug:slug>/", include(shop_api)),
    path("search/", matching_apis.SearchApi.as_view(), name="search"),
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
    re_path(r"^map/(?P<floor>-?\d{1,3})\.svg$", mall_views.floor_map, name="floor-map"),
    re_path(r"^map/(?P<floor>-?\d{1,3})/plan$", mall_views.floor_plan_image, name="floor-image"),
    path("", include("customers.urls")),
    path("", include("stock.urls")),
]

handler404 = "core.api_errors.handler404"
handler500 = "core.api_errors.handler500"
handler400 = "core.api_errors.handler400"
handler403 = "core.api_errors.handler403"
