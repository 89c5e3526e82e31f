"""Reads of the mall: retention settings, shops and who clerks for them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from mall.errors import NotFound
from mall.models import Membership, Retention, Shop


def retention_current() -> Retention:
    """The retention settings; the defaults (7 days each) until staff save some."""
    return Retention.objects.first() or Retention()


def shop_by_slug(slug: str) -> Shop:
    shop = Shop.objects.filter(slug=str(slug)[:50]).first()
    if shop is None:
        raise NotFound(f"No shop {slug!r}.", code="unknown_shop")
    return shop


def shops_of_clerk(user: AbstractBaseUser | AnonymousUser) -> list[Shop]:
    """The shops ``user`` clerks for (all shops for mall staff)."""
    if not user.is_authenticated:
        return []
    if user.is_staff:
        return list(Shop.objects.all())
    return [m.shop for m in Membership.objects.filter(user=user).select_related("shop")]


def user_is_clerk_of(user: AbstractBaseUser | AnonymousUser, shop_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or Membership.objects.filter(user=user, shop_id=shop_id).exists()


def shops_all() -> list[Shop]:
    """Every shop, by name (the phone page's choice of shop to share with or write to)."""
    return list(Shop.objects.all())
