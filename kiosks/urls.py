"""The kiosks' API: who am I, sightings, departures (``/api/kiosk/``)."""

from django.urls import path

from kiosks import apis

api_urlpatterns = [
    path("kiosk/", apis.KioskSelfApi.as_view(), name="kiosk-self"),
    path("kiosk/sightings/", apis.SightingApi.as_view(), name="kiosk-sightings"),
    path("kiosk/departures/", apis.DepartureApi.as_view(), name="kiosk-departures"),
]
