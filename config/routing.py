"""Websocket URLs (DESIGN.md, "Live pushes"): each app brings its own."""

from matching.routing import websocket_urlpatterns as matching_sockets

websocket_urlpatterns = [*matching_sockets]
