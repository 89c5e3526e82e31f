"""Rate limits: who a client is, and the limits that every worker shares.

A client is the socket's address, unless ``TRUSTED_PROXIES`` says how many proxies in front
add ``X-Forwarded-For``: then it is the address the outermost of them saw. A header the
client sent itself is never trusted, so that varying it neither escapes a limit nor fills
the cache with keys. The counters live in Django's cache (Redis when ``REDIS_URL`` is set),
so every worker counts the same requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.authentication import caller_kind
from core.errors import NotFound

T = TypeVar("T")

#: Longest address kept as a cache key (an IPv6 address is at most 45 characters).
_ADDRESS_MAX = 64


def client_address(request: Any) -> str:
    """The client's address for rate limits and login lockouts (see module docstring)."""
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote[:_ADDRESS_MAX]
    forwarded = [a.strip() for a in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [a for a in forwarded if a]
    if not forwarded:
        return remote[:_ADDRESS_MAX]
    # Each trusted proxy appends the address it saw: the last ``proxies`` entries are
    # theirs, and anything before them is what the client wrote.
    return forwarded[-min(proxies, len(forwarded))][:_ADDRESS_MAX]


def throttle_rate(scope: str) -> str | None:
    """The configured rate of ``scope`` (read now, not at import: tests change it)."""
    # A rate is text ("5/min"); the stub's dict says numbers.
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    return rate if isinstance(rate, str) else None


class AddressThrottle(SimpleRateThrottle):
    """A per-address limit for ``scope`` (DRF's throttle; a page's form uses it too)."""

    scope = ""

    def __init__(self, scope: str | None = None) -> None:
        if scope is not None:
            self.scope = scope
        super().__init__()

    def get_rate(self) -> str | None:
        return throttle_rate(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class RegistrationThrottle(AddressThrottle):
    """Per-address limit on anonymous registration (the API and the entrance form). A
    kiosk's Api-Key registers every handheld from one address, so it is not throttled."""

    scope = "registration"

    def allow_request(self, request: Any, view: Any) -> bool:
        if caller_kind(request) == "kiosk":
            return True
        return super().allow_request(request, view)


class ShopperThrottle(SimpleRateThrottle):
    """A per-shopper limit (their requests to shops)."""

    scope = "shopper_requests"

    def get_rate(self) -> str | None:
        return throttle_rate(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        pk = getattr(getattr(request, "auth", None), "pk", None)
        if pk is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"customer-{pk}"}


def form_throttle_wait(request: Any, scope: str) -> float | None:
    """None if a page's form may go on; else the seconds to wait (the same limit, and the
    same counter, as the API's throttle of ``scope``)."""
    throttle = RegistrationThrottle() if scope == "registration" else AddressThrottle(scope)
    if throttle.allow_request(request, None):  # type: ignore[arg-type]  # DRF: no view is read
        return None
    return throttle.wait() or 1.0


# Code look-ups per shop ---------------------------------------------------------------


def _window(rate: str) -> tuple[int, int]:
    parse = SimpleRateThrottle.parse_rate
    count, duration = parse(SimpleRateThrottle, rate)  # type: ignore[arg-type]  # self is unread
    assert count is not None and duration is not None  # only a None rate parses to None
    return count, duration


def code_lookup_check(*, shop_id: int) -> None:
    """Refuse (429) any look-up by code for a shop that used up its misses this window."""
    rate = throttle_rate("code_lookup")
    if rate is None:
        return
    limit, duration = _window(rate)
    window = int(time.time() // duration)
    used = cache.get(f"code-lookup:{shop_id}:{window}", 0)
    if used >= limit:
        raise Throttled(wait=duration - time.time() % duration)


def code_lookup_count(*, shop_id: int) -> None:
    """Count one look-up against the shop: a code that found no shopper it may see, or a
    share by code. An atomic increment, so parallel requests on any worker all count."""
    rate = throttle_rate("code_lookup")
    if rate is None:
        return
    _, duration = _window(rate)
    key = f"code-lookup:{shop_id}:{int(time.time() // duration)}"
    cache.add(key, 0, timeout=duration + 1)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=duration + 1)


def code_lookup(*, shop_id: int, find: Callable[[], T]) -> T:
    """``find()`` (a look-up by code) under the shop's limit: refused (429) once the shop
    used up its misses; a miss (``NotFound`` of a code that finds no shopper the shop may
    see, ``unknown_customer``) counts; any other ``NotFound`` (an unknown item) does not."""
    code_lookup_check(shop_id=shop_id)
    try:
        return find()
    except NotFound as error:
        if error.code == "unknown_customer":
            code_lookup_count(shop_id=shop_id)
        raise
