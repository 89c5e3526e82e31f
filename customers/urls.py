"""Shopper pages: the entrance kiosk and the phone page."""

from django.urls import path

from customers import views

urlpatterns = [
    path("kiosk/", views.kiosk_form, name="kiosk"),
    path("kiosk/done/", views.kiosk_done, name="kiosk-done"),
    path("me/", views.me_page, name="me"),
    path("me/pair/", views.me_pair, name="me-pair"),
    path("here/<str:code>/", views.checkin, name="checkin"),
]
