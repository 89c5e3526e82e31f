"""The kiosk's scheme, ``Authorization: Api-Key <key>``, and what a kiosk may do for a shop."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from core.authentication import CallerAuthentication
from core.errors import Forbidden
from kiosks.models import Kiosk
from kiosks.selectors import kiosk_by_key
from mall.models import Shop
from mall.selectors import shop_by_slug, user_is_clerk_of


class KioskKeyAuthentication(CallerAuthentication):
    """``Authorization: Api-Key <key>``; ``request.auth`` is the kiosk."""

    keyword = "Api-Key"
    kind = "kiosk"
    refusal = "Unknown or revoked kiosk key."

    def caller(self, credential: str) -> Kiosk:
        return kiosk_by_key(credential)


class KioskKeyScheme(OpenApiAuthenticationExtension):
    target_class = "kiosks.authentication.KioskKeyAuthentication"
    name = "kioskKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Api-Key <key>",
        }


def request_kiosk(request: Request) -> Kiosk | None:
    """The kiosk that made the request, if it came with a kiosk's key."""
    if isinstance(request.auth, Kiosk):
        return request.auth
    return None


def authenticated_kiosk(request: Request) -> Kiosk:
    """The kiosk that made the request, in a view that lets only kiosks in (``IsKiosk``);
    ``NotAuthenticated`` (401) if none did."""
    kiosk = request_kiosk(request)
    if kiosk is None:
        raise exceptions.NotAuthenticated(IsKiosk.message)
    return kiosk


class IsKiosk(BasePermission):
    """Authenticated with a kiosk's ``Api-Key``."""

    message = "This call needs a kiosk's Api-Key."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request_kiosk(request) is not None


def may_act_for_shop(request: Request, shop_id: int) -> bool:
    """A clerk of the shop (session), or a kiosk installed in it (Api-Key): the calls a
    point of sale makes (the shop's stock and sales). What concerns shoppers is
    ``shop_for_clerk``'s (DESIGN.md, "Who may see a shopper")."""
    kiosk = request_kiosk(request)
    if kiosk is not None:
        return kiosk.shop_id == shop_id
    return user_is_clerk_of(request.user, shop_id)


def shop_for_request(request: Request, slug: str) -> Shop:
    """The shop named in the URL, if the caller may act for it (else ``Forbidden``)."""
    shop = shop_by_slug(slug)
    if not may_act_for_shop(request, shop.pk):
        raise Forbidden("Only clerks and kiosks of this shop may do this.")
    return shop


def request_clerk(request: Request) -> User:
    """The signed-in clerk that made the request, in a view that let only clerks in
    (``shop_for_clerk``)."""
    user = request.user
    if not isinstance(user, User):
        raise Forbidden("Only clerks of this shop may do this.")
    return user


def shop_for_clerk(request: Request, slug: str) -> Shop:
    """The shop named in the URL, if the caller is one of its clerks (or mall staff): a
    person serving shoppers, never a kiosk key (which reads no shopper's data)."""
    shop = shop_by_slug(slug)
    if request_kiosk(request) is not None or not user_is_clerk_of(request.user, shop.pk):
        raise Forbidden("Only clerks of this shop may do this.")
    return shop
