"""The kiosk and shopper authentication schemes (clerks use Django's session)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from customers.selectors import customer_by_token
from kiosks.selectors import kiosk_by_key


def _credentials(request: Request, scheme: str) -> str | None:
    header = get_authorization_header(request)
    if not header:
        return None
    try:
        text = header.decode("ascii")
    except UnicodeDecodeError as exc:
        raise exceptions.AuthenticationFailed("The Authorization header is not ASCII.") from exc
    parts = text.split(None, 1)
    if len(parts) != 2 or parts[0].lower() != scheme.lower():
        return None
    return parts[1].strip()


class KioskKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>``; ``request.auth`` is the kiosk."""

    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        key = _credentials(request, self.keyword)
        if key is None:
            return None
        kiosk = kiosk_by_key(key)
        if kiosk is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked kiosk key.")
        return AnonymousUser(), kiosk

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ShopperTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``; ``request.auth`` is the shopper."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        token = _credentials(request, self.keyword)
        if token is None:
            return None
        customer = customer_by_token(token)
        if customer is None:
            raise exceptions.AuthenticationFailed("Unknown or expired shopper token.")
        return AnonymousUser(), customer

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class KioskKeyScheme(OpenApiAuthenticationExtension):
    target_class = "mall.authentication.KioskKeyAuthentication"
    name = "kioskKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Api-Key <key>",
        }


class ShopperTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mall.authentication.ShopperTokenAuthentication"
    name = "shopperToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


class PairedPhoneScheme(OpenApiAuthenticationExtension):
    target_class = "customers.pairing.PairedPhoneAuthentication"
    name = "pairedPhone"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The session of a phone paired from the entrance kiosk's QR code",
        }
