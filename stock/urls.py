"""Clerk pages (login, dashboard, screen, CSV upload) and a shop's API under
``/api/shops/<slug>/``: stock, sales, holds, alternatives, cards."""

from django.contrib.auth import views as auth_views
from django.urls import path

from core.handlers import off_views_thread
from stock import apis, views

urlpatterns = [
    path(
        "shop/login/",
        # Password hashing takes a deliberate half second: not on the views' thread.
        off_views_thread("passwords")(
            auth_views.LoginView.as_view(
                template_name="stock/login.html", redirect_authenticated_user=True
            )
        ),
        name="shop-login",
    ),
    path("shop/logout/", auth_views.LogoutView.as_view(next_page="shop-login"), name="shop-logout"),
    path("shop/", views.shop_home, name="shop-home"),
    path("shop/<slug:slug>/", views.shop_dashboard, name="shop-dashboard"),
    path("shop/<slug:slug>/screen/", views.shop_screen, name="shop-screen"),
    path("shop/<slug:slug>/stock/import/", views.stock_import, name="shop-stock-import"),
]

shop_api_urlpatterns = [
    path("stock/", apis.StockListApi.as_view(), name="shop-stock"),
    path("stock/<int:item_id>/", apis.StockDetailApi.as_view(), name="shop-stock-item"),
    path(
        "stock/by-barcode/<str:barcode>/",
        apis.StockByBarcodeApi.as_view(),
        name="shop-stock-barcode",
    ),
    path("sales/", apis.SaleCreateApi.as_view(), name="shop-sales"),
    path("holds/", apis.ShopHoldsApi.as_view(), name="shop-holds"),
    path("holds/<int:hold_id>/", apis.ShopHoldDetailApi.as_view(), name="shop-hold"),
    path("alternatives/", apis.ShopAlternativesApi.as_view(), name="shop-alternatives"),
    path("cards/<str:code>/take/", apis.CardTakeApi.as_view(), name="shop-card-take"),
]
