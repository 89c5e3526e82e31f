"""Reads of kiosks: finding one by its API key."""

from __future__ import annotations

import hashlib
import hmac

from kiosks.models import Kiosk

KEY_PREFIX_LENGTH = 8


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def kiosk_by_key(key: str) -> Kiosk | None:
    """The active kiosk whose key is ``key``, or None. Compares hashes in constant time."""
    if not key or len(key) > 200 or "." not in key:
        return None
    prefix = key.split(".", 1)[0][:12]
    # No ORDER BY (``first()`` would sort by name): the prefix is unique, and this runs on
    # every kiosk request.
    kiosks = Kiosk.objects.select_related("shop").filter(key_prefix=prefix, is_active=True)
    kiosk = next(iter(kiosks.order_by()[:1]), None)
    if kiosk is None or not hmac.compare_digest(kiosk.key_hash, key_hash(key)):
        return None
    return kiosk
