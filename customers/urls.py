"""Shopper pages (the entrance kiosk, the phone page) and the shoppers' API: under ``/api/``,
and under ``/api/shops/<slug>/`` what a shop reads of its shoppers."""

from django.urls import path

from customers import apis, views

urlpatterns = [
    path("kiosk/", views.kiosk_form, name="kiosk"),
    path("kiosk/done/", views.kiosk_done, name="kiosk-done"),
    path("me/", views.me_page, name="me"),
    path("me/pair/", views.me_pair, name="me-pair"),
    path("here/<str:code>/", views.checkin, name="checkin"),
]

api_urlpatterns = [
    path("customers/", apis.CustomerRegisterApi.as_view(), name="customer-register"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("me/checkins/", apis.MeCheckinsApi.as_view(), name="me-checkins"),
    path("me/departures/", apis.MeDeparturesApi.as_view(), name="me-departures"),
    path("me/shares/", apis.MeSharesApi.as_view(), name="me-shares"),
    path("me/shares/<slug:slug>/", apis.MeShareDetailApi.as_view(), name="me-share"),
    path("me/holds/", apis.MeHoldsApi.as_view(), name="me-holds"),
    path("me/holds/<int:hold_id>/", apis.MeHoldDetailApi.as_view(), name="me-hold"),
    path(
        "me/alternatives/<int:alternative_id>/",
        apis.MeAlternativeDetailApi.as_view(),
        name="me-alternative",
    ),
    path(
        "me/alternatives/<int:alternative_id>/accept/",
        apis.MeAlternativeAcceptApi.as_view(),
        name="me-alternative-accept",
    ),
    path("me/requests/", apis.MeRequestsApi.as_view(), name="me-requests"),
]

shop_api_urlpatterns = [
    path("shares/", apis.ShopSharesApi.as_view(), name="shop-shares"),
    path("requests/", apis.ShopRequestsApi.as_view(), name="shop-requests"),
    path(
        "requests/<int:request_id>/reply/",
        apis.ShopRequestReplyApi.as_view(),
        name="shop-request-reply",
    ),
    path("customers/<str:code>/", apis.ShopCustomerApi.as_view(), name="shop-customer"),
    path(
        "customers/<str:code>/face/",
        apis.ShopCustomerFaceApi.as_view(),
        name="shop-customer-face",
    ),
    path(
        "customers/<str:code>/desires/<int:desire_id>/",
        apis.ShopDesireNoteApi.as_view(),
        name="shop-customer-desire",
    ),
]
