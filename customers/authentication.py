"""The shopper's scheme, ``Authorization: Bearer <token>`` (a paired phone's session stands
for it: ``customers.pairing.PairedPhoneAuthentication``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from core.authentication import CallerAuthentication
from customers.models import Customer
from customers.selectors import customer_by_token


class ShopperTokenAuthentication(CallerAuthentication):
    """``Authorization: Bearer <token>``; ``request.auth`` is the shopper."""

    keyword = "Bearer"
    kind = "shopper"
    refusal = "Unknown or expired shopper token."

    def caller(self, credential: str) -> Customer:
        return customer_by_token(credential)


def request_customer(request: Request) -> Customer | None:
    """The shopper that made the request (token or paired phone), if one did."""
    return request.auth if isinstance(request.auth, Customer) else None


def authenticated_customer(request: Request) -> Customer:
    """The shopper that made the request, in a view that lets only shoppers in
    (``IsShopper``); ``NotAuthenticated`` (401) if none did."""
    customer = request_customer(request)
    if customer is None:
        raise exceptions.NotAuthenticated(IsShopper.message)
    return customer


class IsShopper(BasePermission):
    """Authenticated with a shopper's ``Bearer`` token (or a paired phone)."""

    message = "This call needs a shopper's Bearer token."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request_customer(request) is not None


class ShopperTokenScheme(OpenApiAuthenticationExtension):
    target_class = "customers.authentication.ShopperTokenAuthentication"
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
