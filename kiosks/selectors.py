"""Reads of kiosks: finding one by its API key."""

from __future__ import annotations

import hashlib
import hmac

from django.urls import reverse

from core.errors import NotFound
from core.rows import PreparedRead
from kiosks.models import Kiosk

KEY_PREFIX_LENGTH = 8


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


#: The active kiosk with a key prefix, and its shop. No ORDER BY (``first()`` would sort
#: by name): the prefix is unique. Prepared: this runs on every kiosk request.
_kiosk_by_prefix = PreparedRead(
    lambda prefix: (
        Kiosk.objects.select_related("shop")
        .filter(key_prefix=prefix, is_active=True)
        .order_by()[:1]
    ),
    "\x00prefix",
)


def kiosk_by_key(key: str) -> Kiosk:
    """The active kiosk whose key is ``key`` (``NotFound`` otherwise). Compares hashes in
    constant time."""
    if not key or len(key) > 200 or "." not in key:
        raise NotFound("Unknown or revoked kiosk key.", code="unknown_key")
    found = _kiosk_by_prefix.rows(key.split(".", 1)[0][:12])
    kiosk = found[0] if found else None
    if kiosk is None or not hmac.compare_digest(kiosk.key_hash, key_hash(key)):
        raise NotFound("Unknown or revoked kiosk key.", code="unknown_key")
    return kiosk


def kiosk_by_checkin_code(code: str) -> Kiosk:
    """The active kiosk whose check-in code is ``code`` (``NotFound`` otherwise)."""
    kiosk = Kiosk.objects.select_related("shop").filter(checkin_code=code, is_active=True).first()
    if kiosk is None:
        raise NotFound(
            "This check-in code is not valid: it may have been renewed. Scan the code on the"
            " shop's screen again.",
            code="unknown_checkin",
        )
    return kiosk


def kiosk_for_entrance(name: str | None = None) -> Kiosk | None:
    """The kiosk the entrance page registers at: the one named (``?kiosk=``), else the
    first active kiosk marked as an entrance; None if there is none."""
    kiosks = Kiosk.objects.select_related("shop").filter(is_active=True)
    if name:
        return kiosks.filter(name=name).first()
    return kiosks.filter(is_entrance=True).order_by("name").first()


def kiosk_checkin_path(kiosk: Kiosk) -> str:
    """Where a phone checks in at ``kiosk`` (the address in its QR code)."""
    return reverse("checkin", kwargs={"code": kiosk.checkin_code})


def kiosks_of_shop(shop_id: int) -> list[Kiosk]:
    """The active kiosks installed in a shop, by name."""
    return list(Kiosk.objects.filter(shop_id=shop_id, is_active=True).order_by("name"))
