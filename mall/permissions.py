"""Who may call what: the three kinds of API caller (DESIGN.md, "HTTP API")."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.serializers import Serializer

from customers.models import Customer
from kiosks.models import Kiosk
from mall.errors import Forbidden
from mall.models import Shop
from mall.selectors import shop_by_slug, user_is_clerk_of


def request_kiosk(request: Request) -> Kiosk | None:
    return request.auth if isinstance(request.auth, Kiosk) else None


def request_customer(request: Request) -> Customer | None:
    return request.auth if isinstance(request.auth, Customer) else None


class IsKiosk(BasePermission):
    """Authenticated with a kiosk's ``Api-Key``."""

    message = "This call needs a kiosk's Api-Key."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request_kiosk(request) is not None


class IsShopper(BasePermission):
    """Authenticated with a shopper's ``Bearer`` token."""

    message = "This call needs a shopper's Bearer token."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request_customer(request) is not None


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


def shop_for_clerk(request: Request, slug: str) -> Shop:
    """The shop named in the URL, if the caller is one of its clerks (or mall staff): a
    person serving shoppers, never a kiosk key (which reads no shopper's data)."""
    shop = shop_by_slug(slug)
    if request_kiosk(request) is not None or not user_is_clerk_of(request.user, shop.pk):
        raise Forbidden("Only clerks of this shop may do this.")
    return shop


def validated(serializer_class: type[Serializer], data: Any) -> Any:
    """``data`` checked by ``serializer_class``; a ValidationError becomes a 400."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
