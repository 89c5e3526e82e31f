"""Websocket origins: a socket is opened only by a page of this very site.

A browser sends the ``Origin`` of the page that opens a socket, and the socket carries the
user's cookies: a page of any other site (another port of the same host included) must not
open a clerk's socket. The origin must equal this site as the request reached it (scheme,
host and port of the ``Host`` header, the host in ``ALLOWED_HOSTS``), or be one of
``CSRF_TRUSTED_ORIGINS``; as Django's CSRF check compares forms' origins.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _site(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return scheme, parts.hostname.lower(), port


def origin_allowed(scope: dict[str, Any]) -> bool:
    """Whether the handshake in ``scope`` comes from a page of this site."""
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    try:
        origin = headers.get(b"origin", b"").decode("latin-1").strip()
        host = headers.get(b"host", b"").decode("latin-1").strip()
    except UnicodeDecodeError:
        return False
    if not origin or not host:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, value = proxy_header
        header = name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
        if headers.get(header, b"").decode("latin-1").split(",")[0].strip() == value:
            scheme = "https"
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    theirs = _site(parts.scheme, parts.netloc)
    return theirs is not None and theirs == _site(scheme, host)


class SameOriginValidator:
    """Refuses (403 at the handshake) a websocket whose ``Origin`` is not this site."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
