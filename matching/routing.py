"""Websocket URLs (DESIGN.md, "Live pushes"): the shop screens' and the phones'."""

from django.urls import path

from matching.consumers import MeConsumer, ShopConsumer

websocket_urlpatterns = [
    path("ws/shops/<slug:slug>/", ShopConsumer.as_asgi()),
    path("ws/me/", MeConsumer.as_asgi()),
]
